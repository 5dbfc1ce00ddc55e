import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { PredictionsModule } from '../predictions/predictions.module';
import { PlatformDirectoryModule } from './platform-directory.module';
import { MeasurementsService } from './measurements.service';
import { PlatformsController } from './platforms.controller';
import { PlatformsService } from './platforms.service';
import { ReferenceSeeder } from './reference-seeder';

@Module({
  imports: [ModelsModule, PlatformDirectoryModule, PredictionsModule],
  controllers: [PlatformsController],
  providers: [PlatformsService, MeasurementsService, ReferenceSeeder],
  exports: [PlatformsService, MeasurementsService, PlatformDirectoryModule],
})
export class PlatformsModule {}
