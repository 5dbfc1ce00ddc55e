import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { REFERENCE_DIR } from '../platforms/reference/reference-data';
import { LoadedPredictor, loadPredictor } from '../predictors/predictor-runtime';

const REFERENCE_PREDICTORS = join(REFERENCE_DIR, 'predictors');

/**
 * Finds the predictor of a platform. Reference platforms use the committed predictors trained by
 * `npm run train:reference` (loaded once, sessions cached by the runtime); nothing is trained at boot.
 */
@Injectable()
export class PredictorRegistry {
  private readonly loaded = new Map<string, LoadedPredictor | null>();

  forPlatform(platform: PlatformEntity): LoadedPredictor | null {
    if (platform.tenantId !== null) return null;
    if (!this.loaded.has(platform.slug)) {
      const present = existsSync(join(REFERENCE_PREDICTORS, `${platform.slug}.json`));
      this.loaded.set(platform.slug, present ? loadPredictor(REFERENCE_PREDICTORS, platform.slug) : null);
    }
    return this.loaded.get(platform.slug) ?? null;
  }
}
