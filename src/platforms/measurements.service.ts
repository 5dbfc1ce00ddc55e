import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Page } from '../common/pagination';
import type { MultipartUpload } from '../common/upload';
import { ModelsService } from '../models/models.service';
import { MeasurementEntity, MeasurementSource } from './entities/measurement.entity';
import { CreateMeasurementsDto, MeasurementDto, MeasurementsWrittenDto, NodeMeasurementDto } from './platforms.dto';
import { PlatformsError, PlatformsErrorCode } from './platforms.error';
import { PlatformDirectory } from './platform-directory';
import { upsertMeasurements } from './measurement-writes';
import { TraceFormatError } from './ort-trace';
import { readOrtTrace } from './ort-trace-stream';

/** One profiled run of a large model is a few MB; the reader streams, so this bounds time, not memory. */
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

  /** A JSON node list, validated at the controller. */
  async addNodes(tenantId: string, slug: string, dto: CreateMeasurementsDto): Promise<MeasurementsWrittenDto> {
    const platform = await this.platforms.resolveWritable(tenantId, slug);
    return this.write(platform.id, tenantId, dto.modelId, dto.nodes, 'upload');
  }

  /** An ONNX Runtime profile, read event by event while it streams in (never held whole), and its `modelId`. */
  async addTrace(tenantId: string, slug: string, body: MultipartUpload): Promise<MeasurementsWrittenDto> {
    const platform = await this.platforms.resolveWritable(tenantId, slug);
    const upload = await body.receive(
      { fileField: 'trace', maxFileBytes: MAX_TRACE_BYTES, limitName: 'the trace size limit' },
      (file) =>
        readOrtTrace(file).catch((error: unknown) => {
          if (error instanceof TraceFormatError) {
            throw new PlatformsError(PlatformsErrorCode.BAD_TRACE, `trace: ${error.message}`);
          }
          throw error;
        }),
    );
    const modelId = upload.fields.modelId;
    if (!modelId || !UUID.test(modelId)) {
      throw new PlatformsError(PlatformsErrorCode.BAD_FIELD, "multipart field 'modelId' must be a model's uuid");
    }
    const parsed = upload.result;
    const written = await this.write(platform.id, tenantId, modelId, parsed.nodes, 'trace');
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
