import { InitialSchema1764244800000 } from './1764244800000-initial-schema';
import { PlatformsMeasurements1764259200000 } from './1764259200000-platforms-measurements';
import { Networks1764262800000 } from './1764262800000-networks';
import { Plans1764266400000 } from './1764266400000-plans';
import { PlatformCalibration1764270000000 } from './1764270000000-platform-calibration';
import { Predictors1764273600000 } from './1764273600000-predictors';
import { ModelGraphParts1764277200000 } from './1764277200000-model-graph-parts';
import { Jobs1764284400000 } from './1764284400000-jobs';
import { OneReferenceRow1764320000000 } from './1764320000000-one-reference-row';
import { RateLimitCounters1764330000000 } from './1764330000000-rate-limit-counters';
import { PlatformRuntime1764300000000 } from './1764300000000-platform-runtime';
import { KernelMeasurements1764300000001 } from './1764300000001-kernel-measurements';
import { TensorLocations1764310000000 } from './1764310000000-tensor-locations';

/** Every migration, oldest first. Listed explicitly so the same list runs from ts (tests) and js (dist). */
export const MIGRATIONS = [
  InitialSchema1764244800000,
  PlatformsMeasurements1764259200000,
  Networks1764262800000,
  Plans1764266400000,
  PlatformCalibration1764270000000,
  Predictors1764273600000,
  ModelGraphParts1764277200000,
  Jobs1764284400000,
  OneReferenceRow1764320000000,
  RateLimitCounters1764330000000,
  PlatformRuntime1764300000000,
  KernelMeasurements1764300000001,
  TensorLocations1764310000000,
];
