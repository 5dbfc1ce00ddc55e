import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { Page, PageQueryDto } from '../common/pagination';
import { PlanPageDto, PlanSummaryDto } from './plan-list.dto';
import { PlanListService } from './plan-list.service';
import { PlanDto } from './plan.response';
import { CreatePlanDto } from './plans.dto';
import { PlansService } from './plans.service';

@ApiTags('plans')
@ApiBearerAuth()
@Controller('v1/plans')
export class PlansController {
  constructor(
    private readonly plans: PlansService,
    private readonly planList: PlanListService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'The latency-optimal split of a model across the tiers of a network',
    description:
      'Per-node latencies come from POST /v1/predictions for each tier’s platform (measured beats predicted). The ' +
      'optimum is exact for chains and DAGs; baselines and bandwidth regions come with it.',
  })
  @ApiCreatedResponse({ type: PlanDto })
  @ApiErrors(400, 401, 404, 409)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreatePlanDto): Promise<PlanDto> {
    return this.plans.create(principal.tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's plans, oldest first (summaries: GET /v1/plans/{id} has the whole plan)" })
  @ApiOkResponse({ type: PlanPageDto })
  @ApiErrors(400, 401)
  list(@CurrentPrincipal() principal: Principal, @Query() page: PageQueryDto): Promise<Page<PlanSummaryDto>> {
    return this.planList.list(principal.tenantId, page.limit, page.offset);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A stored plan' })
  @ApiOkResponse({ type: PlanDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<PlanDto> {
    return this.plans.get(principal.tenantId, id);
  }

  @Get(':id/diagram.svg')
  @Header('Content-Type', 'image/svg+xml')
  @ApiOperation({ summary: 'A stored plan drawn as a timeline: one lane per tier and per link, bars labelled in ms' })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'a standalone SVG document', schema: { type: 'string' } })
  @ApiErrors(400, 401, 404)
  diagram(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<string> {
    return this.plans.diagram(principal.tenantId, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a stored plan' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiErrors(400, 401, 404)
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.planList.remove(principal.tenantId, id);
  }
}
