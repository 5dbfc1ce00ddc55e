import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness';

@Module({ imports: [JobsModule], controllers: [HealthController], providers: [ReadinessService] })
export class HealthModule {}
