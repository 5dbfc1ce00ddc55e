import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { JobAccepted, locateJob } from '../jobs/job-accepted';
import { JobAcceptedDto } from '../jobs/jobs.dto';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { PredictorListDto, PredictorMetricsDto } from './predictors.dto';
import { PredictorsService } from './predictors.service';

@ApiTags('predictors')
@ApiBearerAuth()
@ApiExtraModels(PredictorMetricsDto)
@Controller('v1/platforms/:slug/predictors')
export class PredictorsController {
  constructor(private readonly predictors: PredictorsService) {}

  @Post()
  @ApiOperation({
    summary: "Train the platform's predictor from its measurements, as a job",
    description:
      'An MLP on log-features (exported to ONNX, run with onnxruntime), with leave-one-model-out metrics beside two ' +
      'baselines; whole-model times (self-profiles record them) teach it how node sums relate to model latency. ' +
      'Poll the job at the Location header (progress per fold); when it succeeds the predictor is the active one.',
  })
  @JobAccepted()
  @ApiErrors(401, 403, 404, 409)
  async train(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobAcceptedDto> {
    return locateJob(res, await this.predictors.request(principal.tenantId, slug));
  }

  @Get()
  @ApiOperation({ summary: "The platform's predictors with their metrics, newest (active) first" })
  @ApiOkResponse({ type: PredictorListDto })
  @ApiErrors(401, 404)
  async list(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string): Promise<PredictorListDto> {
    return { items: await this.predictors.list(principal.tenantId, slug) };
  }
}
