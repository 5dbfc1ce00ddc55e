import { Controller, Get, Param, ParseUUIDPipe, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { PartitionManifestDto } from './partitions.dto';
import { PartitionsService } from './partitions.service';

@ApiTags('plans')
@ApiBearerAuth()
@Controller('v1/plans/:id/partitions')
export class PartitionsController {
  constructor(private readonly partitions: PartitionsService) {}

  @Get()
  @ApiOperation({
    summary: 'The plan as runnable pieces: per tier its nodes, the tensors it receives and sends, and their bytes',
  })
  @ApiOkResponse({ type: PartitionManifestDto })
  @ApiErrors(400, 401, 404, 422)
  manifest(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<PartitionManifestDto> {
    return this.partitions.manifest(principal.tenantId, id);
  }

  @Get(':tier.onnx')
  @ApiOperation({
    summary: "One tier's ONNX sub-model",
    description:
      'Its weights are external-data references into the uploaded file (manifest.file.name): put the sub-model ' +
      'beside that file to run it. What crosses a link is encoded inside the sub-models as the plan says.',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'an ONNX ModelProto', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(400, 401, 404, 422)
  async subModel(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('tier') tier: string,
  ): Promise<StreamableFile> {
    const bytes = await this.partitions.subModel(principal.tenantId, id, tier);
    // The type goes with the file, not on the route: an error answer must stay JSON.
    return new StreamableFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      type: 'application/octet-stream',
      disposition: `attachment; filename="${tier.replace(/[^A-Za-z0-9_.-]/g, '_')}.onnx"`,
    });
  }
}
