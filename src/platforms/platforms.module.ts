import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { MeasurementsService } from './measurements.service';
import { PlatformsController } from './platforms.controller';
import { PlatformsService } from './platforms.service';

@Module({
  imports: [ModelsModule],
  controllers: [PlatformsController],
  providers: [PlatformsService, MeasurementsService],
  exports: [PlatformsService, MeasurementsService],
})
export class PlatformsModule {}
