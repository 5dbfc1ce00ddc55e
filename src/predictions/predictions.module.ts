import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ModelsModule } from '../models/models.module';
import { PlatformDirectoryModule } from '../platforms/platform-directory.module';
import { PredictionsController } from './predictions.controller';
import { PredictionsService } from './predictions.service';
import { PredictorRegistry } from './predictor-registry';
import { PredictorsController } from './predictors.controller';
import { PredictorsService } from './predictors.service';

@Module({
  imports: [JobsModule, ModelsModule, PlatformDirectoryModule],
  controllers: [PredictionsController, PredictorsController],
  providers: [PredictionsService, PredictorRegistry, PredictorsService],
  exports: [PredictionsService, PredictorRegistry],
})
export class PredictionsModule {}
