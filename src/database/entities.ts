import { ApiKeyEntity } from '../auth/entities/api-key.entity';
import { TenantEntity } from '../auth/entities/tenant.entity';
import { JobEntity } from '../jobs/entities/job.entity';
import { ModelInitializerEntity } from '../models/entities/model-initializer.entity';
import { ModelNodeEntity } from '../models/entities/model-node.entity';
import { ModelEntity } from '../models/entities/model.entity';
import { NetworkEntity } from '../networks/entities/network.entity';
import { PlanEntity } from '../plans/entities/plan.entity';
import { PredictorEntity, PredictorNetworkEntity } from '../predictions/entities/predictor.entity';
import { KernelMeasurementEntity } from '../platforms/entities/kernel-measurement.entity';
import { MeasurementEntity } from '../platforms/entities/measurement.entity';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { WholeModelMeasurementEntity } from '../platforms/entities/whole-model-measurement.entity';

export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  ModelEntity,
  ModelNodeEntity,
  ModelInitializerEntity,
  PlatformEntity,
  MeasurementEntity,
  NetworkEntity,
  PlanEntity,
  PredictorEntity,
  PredictorNetworkEntity,
  JobEntity,
  WholeModelMeasurementEntity,
  KernelMeasurementEntity,
];
