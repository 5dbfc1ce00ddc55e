import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { Page, PageQueryDto } from '../common/pagination';
import { multipartOf } from '../common/upload';
import { LayerListDto, ModelDto, ModelPageDto } from './models.dto';
import { ModelsService } from './models.service';

@ApiTags('models')
@ApiBearerAuth()
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post()
  @ApiOperation({
    summary: 'Upload an ONNX model',
    description:
      'Streamed and parsed as it arrives; weights are never stored. Graph-only files (external data absent) are accepted.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'the .onnx file' },
        name: { type: 'string', description: 'display name (default: the file name)' },
        inputShapes: {
          type: 'string',
          description: 'JSON object giving concrete shapes to inputs with symbolic dims, e.g. {"x": [1, 3, 48, 192]}',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: ModelDto })
  @ApiErrors(400, 401, 413, 415, 422)
  create(@CurrentPrincipal() principal: Principal, @Req() req: Request): Promise<ModelDto> {
    return this.models.createFromUpload(principal.tenantId, multipartOf(req));
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's models" })
  @ApiOkResponse({ type: ModelPageDto })
  @ApiErrors(400, 401)
  list(@CurrentPrincipal() principal: Principal, @Query() page: PageQueryDto): Promise<Page<ModelDto>> {
    return this.models.list(principal.tenantId, page.limit, page.offset);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One model' })
  @ApiOkResponse({ type: ModelDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<ModelDto> {
    return this.models.get(principal.tenantId, id);
  }

  @Get(':id/layers')
  @ApiOperation({ summary: 'Every node of the model with its features, in topological order' })
  @ApiOkResponse({ type: LayerListDto })
  @ApiErrors(400, 401, 404)
  async layers(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<LayerListDto> {
    return { items: await this.models.layers(principal.tenantId, id) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a model and its layers' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiErrors(400, 401, 404)
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.models.remove(principal.tenantId, id);
  }
}
