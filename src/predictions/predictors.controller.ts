import { Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { PredictorDto, PredictorListDto, PredictorMetricsDto } from './predictors.dto';
import { PredictorsService } from './predictors.service';

@ApiTags('predictors')
@ApiBearerAuth()
@ApiExtraModels(PredictorMetricsDto)
@Controller('v1/platforms/:slug/predictors')
export class PredictorsController {
  constructor(private readonly predictors: PredictorsService) {}

  @Post()
  @ApiOperation({
    summary: "Train the platform's predictor from its measurements",
    description:
      'An MLP on log-features (exported to ONNX, run with onnxruntime), with leave-one-model-out metrics beside two ' +
      'baselines. It becomes the active predictor. Runs inside the request for now (seconds for a few models).',
  })
  @ApiCreatedResponse({ type: PredictorDto })
  @ApiErrors(401, 403, 404, 409)
  train(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string): Promise<PredictorDto> {
    return this.predictors.train(principal.tenantId, slug);
  }

  @Get()
  @ApiOperation({ summary: "The platform's predictors with their metrics, newest (active) first" })
  @ApiOkResponse({ type: PredictorListDto })
  @ApiErrors(401, 404)
  async list(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string): Promise<PredictorListDto> {
    return { items: await this.predictors.list(principal.tenantId, slug) };
  }
}
