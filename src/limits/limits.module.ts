import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { ApiKeyThrottlerGuard } from './api-key-throttler.guard';
import { PgThrottlerStorage } from './pg-throttler.storage';
import { QuotaService } from './quota.service';

/**
 * Rate limits per API key (counters in the database, so they hold across instances) and per-tenant quotas.
 * Global so that feature services can check a quota inside their own transaction.
 */
/** The storage on its own, so ThrottlerModule's async factory can be handed it. */
@Module({ providers: [PgThrottlerStorage], exports: [PgThrottlerStorage] })
class RateLimitStorageModule {}

@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [APP_CONFIG, PgThrottlerStorage],
      useFactory: (config: AppConfig, storage: PgThrottlerStorage) => ({
        throttlers: [
          {
            name: 'default',
            limit: config.RATE_LIMIT_REQUESTS,
            ttl: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
          },
        ],
        storage,
        skipIf: () => config.RATE_LIMIT_REQUESTS === 0,
        errorMessage: (_context, detail) =>
          `rate limit: at most ${config.RATE_LIMIT_REQUESTS} requests per ${config.RATE_LIMIT_WINDOW_SECONDS} s ` +
          `per API key (RATE_LIMIT_REQUESTS); retry after ${detail.timeToBlockExpire} s`,
      }),
    }),
  ],
  providers: [QuotaService, { provide: APP_GUARD, useClass: ApiKeyThrottlerGuard }],
  exports: [QuotaService],
})
export class LimitsModule {}
