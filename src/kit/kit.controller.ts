import { Controller, Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { kitArchive } from './kit-archive';
import { KitQueryDto } from './kit.dto';

@ApiTags('profiling kit')
@ApiBearerAuth()
@Controller('v1/profiling-kit')
export class KitController {
  @Get()
  @Header('Content-Type', 'application/gzip')
  @ApiOperation({
    summary: 'Download a profiling kit: generated benchmark models and two one-dependency runners',
    description:
      'A tar.gz of `models` generated models (deterministic from `seed`), `manifest.json`, `profile.py` (needs ' +
      '`onnxruntime`) and `profile.mjs` (needs `onnxruntime-node`). Both runners profile every model at graph ' +
      'optimisation `all` and `disabled` and write one results.json for POST /v1/platforms/{slug}/kit-results.',
  })
  @ApiProduces('application/gzip')
  @ApiOkResponse({ description: 'a gzipped tar archive', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(400, 401)
  download(@Query() query: KitQueryDto): StreamableFile {
    return new StreamableFile(kitArchive(query.models, query.seed), {
      disposition: `attachment; filename="tiersplit-kit-${query.seed}-${query.models}.tar.gz"`,
    });
  }
}
