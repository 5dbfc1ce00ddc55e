import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/env.schema';
import { ConfigModule } from './config/config.module';
import type { ProcessRole } from './config/process-role';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { KitModule } from './kit/kit.module';
import { LimitsModule } from './limits/limits.module';
import { ModelsModule } from './models/models.module';
import { NetworksModule } from './networks/networks.module';
import { ObservabilityModule } from './observability/observability.module';
import { PartitionsModule } from './partitions-api/partitions.module';
import { PlansModule } from './plans/plans.module';
import { PlatformsModule } from './platforms/platforms.module';
import { PredictionsModule } from './predictions/predictions.module';
import { ProfilingModule } from './profiling/profiling.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, role: ProcessRole = 'api'): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, role),
        ObservabilityModule,
        DatabaseModule,
        AuthModule,
        // After AuthModule: its key guard runs first, so the rate limit counts per authenticated key.
        LimitsModule,
        HealthModule,
        ModelsModule,
        JobsModule,
        // Before PlatformsModule: its GET /v1/platforms/host must be routed ahead of GET /v1/platforms/{slug}.
        ProfilingModule,
        PlatformsModule,
        NetworksModule,
        PredictionsModule,
        PlansModule,
        KitModule,
        PartitionsModule,
      ],
    };
  }
}
