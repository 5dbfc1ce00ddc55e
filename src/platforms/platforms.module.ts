import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { MeasurementsService } from './measurements.service';
import { PlatformsController } from './platforms.controller';
import { PlatformsService } from './platforms.service';
import { ReferenceSeeder } from './reference-seeder';

@Module({
  imports: [ModelsModule],
  controllers: [PlatformsController],
  providers: [PlatformsService, MeasurementsService, ReferenceSeeder],
  exports: [PlatformsService, MeasurementsService],
})
export class PlatformsModule {}
