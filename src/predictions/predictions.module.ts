import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { PlatformDirectoryModule } from '../platforms/platform-directory.module';
import { PredictionsController } from './predictions.controller';
import { PredictionsService } from './predictions.service';
import { PredictorRegistry } from './predictor-registry';

@Module({
  imports: [ModelsModule, PlatformDirectoryModule],
  controllers: [PredictionsController],
  providers: [PredictionsService, PredictorRegistry],
  exports: [PredictionsService],
})
export class PredictionsModule {}
