import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import type { Page } from '../common/pagination';
import { receiveUpload } from '../common/upload';
import { validateBody } from '../common/validate-body';
import { ModelsService } from '../models/models.service';
import { MeasurementEntity, MeasurementSource } from './entities/measurement.entity';
import { CreateMeasurementsDto, MeasurementDto, MeasurementsWrittenDto, NodeMeasurementDto } from './platforms.dto';
import { PlatformsError, PlatformsErrorCode } from './platforms.error';
import { PlatformDirectory } from './platform-directory';
import { upsertMeasurements } from './measurement-writes';
import { parseOrtTrace, TraceFormatError } from './ort-trace';

/** Profiles are text and parsed whole; one run of a large model is a few MB, many runs stay far below this. */
const MAX_TRACE_BYTES = 256 * 1024 * 1024;
const LISTED_NAMES = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class MeasurementsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly platforms: PlatformDirectory,
    private readonly models: ModelsService,
  ) {}

  /** JSON node list, or a multipart ONNX Runtime trace: one route, told apart by the content type. */
  async add(tenantId: string, slug: string, req: Request): Promise<MeasurementsWrittenDto> {
    const platform = await this.platforms.resolveWritable(tenantId, slug);
    if ((req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
      return this.addTrace(tenantId, platform.id, req);
    }
    const dto = await validateBody(CreateMeasurementsDto, req.body);
    return this.write(platform.id, tenantId, dto.modelId, dto.nodes, 'upload');
  }

  private async addTrace(tenantId: string, platformId: string, req: IncomingMessage): Promise<MeasurementsWrittenDto> {
    const upload = await receiveUpload(
      req,
      { fileField: 'trace', maxFileBytes: MAX_TRACE_BYTES, limitName: 'the trace size limit' },
      readAll,
    );
    const modelId = upload.fields.modelId;
    if (!modelId || !UUID.test(modelId)) {
      throw new PlatformsError(PlatformsErrorCode.BAD_FIELD, "multipart field 'modelId' must be a model's uuid");
    }
    let parsed;
    try {
      parsed = parseOrtTrace(JSON.parse(upload.result.toString('utf8')));
    } catch (error) {
      if (error instanceof TraceFormatError || error instanceof SyntaxError) {
        throw new PlatformsError(PlatformsErrorCode.BAD_TRACE, `trace: ${error.message}`);
      }
      throw error;
    }
    const written = await this.write(platformId, tenantId, modelId, parsed.nodes, 'trace');
    return { ...written, runsTotal: parsed.runsTotal, runsUsed: parsed.runsUsed };
  }

  async list(tenantId: string, slug: string, modelId: string | undefined, limit: number, offset: number) {
    const platform = await this.platforms.resolve(tenantId, slug);
    const where = modelId ? { platformId: platform.id, modelId } : { platformId: platform.id };
    const [rows, total] = await this.dataSource.getRepository(MeasurementEntity).findAndCount({
      where,
      order: { modelId: 'ASC', nodeIdx: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items: rows.map(toMeasurementDto), total } satisfies Page<MeasurementDto>;
  }

  private async write(
    platformId: string,
    tenantId: string,
    modelId: string,
    nodes: NodeMeasurementDto[],
    source: MeasurementSource,
  ): Promise<MeasurementsWrittenDto> {
    const layers = await this.models.layers(tenantId, modelId);
    const indexOf = new Map(layers.map((l) => [l.name, l.index]));
    checkNodes(nodes, indexOf);
    const rows = nodes.map((n) => ({
      platformId,
      modelId,
      nodeIdx: indexOf.get(n.node)!,
      nodeName: n.node,
      medianUs: n.medianUs,
      p10Us: n.p10Us ?? null,
      p90Us: n.p90Us ?? null,
      runs: n.runs ?? null,
      source,
    }));
    await this.dataSource.transaction((em) => upsertMeasurements(em, rows));
    return { written: rows.length };
  }
}

function checkNodes(nodes: NodeMeasurementDto[], indexOf: Map<string, number>): void {
  const listed = (names: string[]) =>
    names
      .slice(0, LISTED_NAMES)
      .map((n) => `'${n}'`)
      .join(', ') + (names.length > LISTED_NAMES ? ` and ${names.length - LISTED_NAMES} more` : '');
  const unknown = [...new Set(nodes.map((n) => n.node).filter((name) => !indexOf.has(name)))];
  if (unknown.length > 0) {
    throw new PlatformsError(
      PlatformsErrorCode.UNKNOWN_NODES,
      `${unknown.length} node(s) not in the model: ${listed(unknown)}`,
      { unknownNodes: unknown },
    );
  }
  const seen = new Set<string>();
  const repeated = nodes.map((n) => n.node).filter((name) => seen.has(name) || !seen.add(name));
  if (repeated.length > 0) {
    throw new PlatformsError(PlatformsErrorCode.DUPLICATE_NODES, `node(s) measured twice: ${listed(repeated)}`);
  }
  for (const n of nodes) {
    if ((n.p10Us !== undefined && n.p10Us > n.medianUs) || (n.p90Us !== undefined && n.p90Us < n.medianUs)) {
      throw new PlatformsError(PlatformsErrorCode.BAD_FIELD, `node '${n.node}': need p10Us <= medianUs <= p90Us`);
    }
  }
}

function toMeasurementDto(m: MeasurementEntity): MeasurementDto {
  return {
    modelId: m.modelId,
    node: m.nodeName,
    nodeIndex: m.nodeIdx,
    medianUs: m.medianUs,
    p10Us: m.p10Us,
    p90Us: m.p90Us,
    runs: m.runs,
    source: m.source,
    jobId: m.jobId,
  };
}

async function readAll(file: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of file) chunks.push(chunk);
  return Buffer.concat(chunks);
}
