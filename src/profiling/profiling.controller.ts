import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { JobAccepted, locateJob } from '../jobs/job-accepted';
import { JobAcceptedDto } from '../jobs/jobs.dto';
import { describeHost } from './host-info';
import { HostInfoDto, ProfileRequestDto } from './profiling.dto';
import { ProfilingService } from './profiling.service';

@ApiTags('profiling')
@ApiBearerAuth()
@Controller('v1/platforms')
export class ProfilingController {
  constructor(private readonly profiling: ProfilingService) {}

  @Get('host')
  @ApiOperation({
    summary: 'This host (CPU, cores, memory): what a self-profile measures on',
    description:
      'Register it as a platform of your own, then POST /v1/platforms/{slug}/profile. This is the host of the API ' +
      'instance that answers; with separate workers (npm run worker) profiles run on a worker, and the job result ' +
      'names the CPU it ran on.',
  })
  @ApiOkResponse({ type: HostInfoDto })
  @ApiErrors(401)
  host(): HostInfoDto {
    return describeHost();
  }

  @Post(':slug/profile')
  @ApiOperation({
    summary: 'Measure a model on this host with onnxruntime-node, as a job',
    description:
      'Rebuilds the model with synthesised weights, runs it `warmup + runs` times with graph optimisation off and ' +
      "ONNX Runtime's profiler on, and stores each node's median, p10 and p90 (source `self-profile`) and the " +
      'whole-model latency on the platform. Poll the job at the Location header; progress advances per run.',
  })
  @JobAccepted()
  @ApiErrors(400, 401, 404, 409)
  async profile(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() dto: ProfileRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobAcceptedDto> {
    return locateJob(res, await this.profiling.request(principal.tenantId, slug, dto));
  }
}
