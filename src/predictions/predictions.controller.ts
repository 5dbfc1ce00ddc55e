import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { PredictionDto, PredictionRequestDto } from './predictions.dto';
import { PredictionsService } from './predictions.service';

@ApiTags('predictions')
@ApiBearerAuth()
@Controller('v1/predictions')
export class PredictionsController {
  constructor(private readonly predictions: PredictionsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: "Every node's and kernel's latency of a model on a platform, for one runtime and graph optimisation",
  })
  @ApiOkResponse({ type: PredictionDto })
  @ApiErrors(400, 401, 404, 409)
  predict(@CurrentPrincipal() principal: Principal, @Body() body: PredictionRequestDto): Promise<PredictionDto> {
    return this.predictions.predict(principal.tenantId, body.modelId, body.platform, body.graphOptimization);
  }
}
