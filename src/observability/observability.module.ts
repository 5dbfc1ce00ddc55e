import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { loggingParams } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** JSON logs with the request id (nestjs-pino) and Prometheus metrics at /metrics. */
@Module({
  imports: [LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (c: AppConfig) => loggingParams(c) })],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class ObservabilityModule {}
