import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { PlatformsModule } from '../platforms/platforms.module';
import { PredictionsController } from './predictions.controller';
import { PredictionsService } from './predictions.service';
import { PredictorRegistry } from './predictor-registry';

@Module({
  imports: [ModelsModule, PlatformsModule],
  controllers: [PredictionsController],
  providers: [PredictionsService, PredictorRegistry],
  exports: [PredictionsService],
})
export class PredictionsModule {}
