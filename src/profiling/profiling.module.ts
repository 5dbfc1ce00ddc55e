import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ModelsModule } from '../models/models.module';
import { PlatformDirectoryModule } from '../platforms/platform-directory.module';
import { ProfilingController } from './profiling.controller';
import { ProfilingService } from './profiling.service';

@Module({
  imports: [JobsModule, ModelsModule, PlatformDirectoryModule],
  controllers: [ProfilingController],
  providers: [ProfilingService],
})
export class ProfilingModule {}
