import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { PageQueryDto } from '../common/pagination';
import { isMultipart, multipartOf } from '../common/upload';
import { validateBody } from '../common/validate-body';
import { MeasurementsService } from './measurements.service';
import {
  CreateMeasurementsDto,
  CreatePlatformDto,
  MeasurementPageDto,
  MeasurementsQueryDto,
  MeasurementsWrittenDto,
  PlatformDto,
  PlatformPageDto,
} from './platforms.dto';
import { PlatformsService } from './platforms.service';

@ApiTags('platforms')
@ApiBearerAuth()
@Controller('v1/platforms')
export class PlatformsController {
  constructor(
    private readonly platforms: PlatformsService,
    private readonly measurements: MeasurementsService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a platform (a device or server type that runs models)',
    description: 'With `derivedFrom` and `scale`, a derived platform: its latencies are the base platform’s × scale.',
  })
  @ApiCreatedResponse({ type: PlatformDto })
  @ApiErrors(400, 401, 404, 409)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreatePlatformDto): Promise<PlatformDto> {
    return this.platforms.create(principal.tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's platforms and the shared reference platforms" })
  @ApiOkResponse({ type: PlatformPageDto })
  @ApiErrors(400, 401)
  list(@CurrentPrincipal() principal: Principal, @Query() page: PageQueryDto): Promise<PlatformPageDto> {
    return this.platforms.list(principal.tenantId, page.limit, page.offset);
  }

  @Get(':slug')
  @ApiOperation({ summary: 'One platform' })
  @ApiOkResponse({ type: PlatformDto })
  @ApiErrors(401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string): Promise<PlatformDto> {
    return this.platforms.describe(principal.tenantId, slug);
  }

  @Post(':slug/measurements')
  @ApiOperation({
    summary: 'Add per-node latencies measured on this platform',
    description:
      'JSON `{modelId, nodes: [{node, medianUs, p10Us?, p90Us?, runs?}]}`, or multipart `trace` (an ONNX Runtime profile, ' +
      'the JSON `enableProfiling` writes) + `modelId`: `<node>_kernel_time` events, the first run dropped as warm-up, ' +
      'the median per node. A node measured again is replaced.',
  })
  @ApiExtraModels(CreateMeasurementsDto)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(CreateMeasurementsDto) },
        {
          type: 'object',
          required: ['trace', 'modelId'],
          properties: { trace: { type: 'string', format: 'binary' }, modelId: { type: 'string', format: 'uuid' } },
        },
      ],
    },
  })
  @ApiCreatedResponse({ type: MeasurementsWrittenDto })
  @ApiErrors(400, 401, 403, 404, 413)
  addMeasurements(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Req() req: Request,
  ): Promise<MeasurementsWrittenDto> {
    // One route, two bodies, told apart by the content type here at the edge; the service gets each parsed.
    if (isMultipart(req)) return this.measurements.addTrace(principal.tenantId, slug, multipartOf(req));
    return validateBody(CreateMeasurementsDto, req.body).then((dto) =>
      this.measurements.addNodes(principal.tenantId, slug, dto),
    );
  }

  @Get(':slug/measurements')
  @ApiOperation({ summary: "Measurements on this platform (the tenant's models and, for reference platforms, theirs)" })
  @ApiOkResponse({ type: MeasurementPageDto })
  @ApiErrors(400, 401, 404)
  listMeasurements(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Query() query: MeasurementsQueryDto,
  ): Promise<MeasurementPageDto> {
    return this.measurements.list(principal.tenantId, slug, query.modelId, query.limit, query.offset);
  }
}
