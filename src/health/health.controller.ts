import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/principal';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { RETRY_AFTER_SECONDS } from '../database/database-unavailable';
import { ReadinessService } from './readiness';

class HealthDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';

  @ApiProperty({ example: 'embedded', enum: ['embedded', 'postgres'] })
  database: string;
}

class ReadyDto {
  @ApiProperty({ example: 'ready', enum: ['ready', 'unavailable'] })
  status: 'ready' | 'unavailable';

  @ApiProperty({ example: 'up', enum: ['up', 'down'] })
  database: 'up' | 'down';

  @ApiProperty({ example: 'up', enum: ['up', 'down'], description: 'the job queue (pg-boss)' })
  queue: 'up' | 'down';

  @ApiProperty({ example: false, description: 'shutting down: finishing in-flight requests and jobs' })
  draining: boolean;
}

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers (no key needed; touches no database)' })
  @ApiOkResponse({ type: HealthDto })
  check(): HealthDto {
    return { status: 'ok', database: this.config.DATABASE_URL ? 'postgres' : 'embedded' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({ summary: 'Readiness: the database and the job queue answer and no shutdown is under way' })
  @ApiOkResponse({ type: ReadyDto })
  @ApiServiceUnavailableResponse({ type: ReadyDto, description: 'not ready; Retry-After says when to ask again' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadyDto> {
    const { ready, ...checks } = await this.readiness.check();
    if (!ready) res.status(HttpStatus.SERVICE_UNAVAILABLE).setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    return { status: ready ? 'ready' : 'unavailable', ...checks };
  }
}
