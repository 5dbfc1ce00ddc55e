import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig, onnxLimitsOf } from '../config/env.schema';
import type { Page } from '../common/pagination';
import { QuotaService } from '../limits/quota.service';
import type { MultipartUpload } from '../common/upload';
import { analyseGraph, IngestedModel, readGraph } from '../onnx/ingest';
import type { NodeFeatures } from '../onnx/types';
import { ModelInitializerEntity } from './entities/model-initializer.entity';
import { ModelNodeEntity } from './entities/model-node.entity';
import { ModelEntity } from './entities/model.entity';
import type { LayerDto, ModelDto } from './models.dto';
import { ModelsError, ModelsErrorCode } from './models.error';
import { toLayerDto, toModelDto, toNodeFeatures, toStoredValueInfo } from './models.mapper';

const NODE_INSERT_BATCH = 500;
const MAX_NAME_LENGTH = 200;

@Injectable()
export class ModelsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly quotas: QuotaService,
  ) {}

  /** Parses the upload while it streams in, then stores the model and all its nodes in one transaction. */
  async createFromUpload(tenantId: string, body: MultipartUpload): Promise<ModelDto> {
    const limits = onnxLimitsOf(this.config);
    // Refuse a tenant at its quota before reading a file it could not store; store() checks again, under the lock.
    await this.quotas.assertModelFits(this.dataSource.manager, tenantId, 0);
    const upload = await body.receive(
      { fileField: 'file', maxFileBytes: this.config.MAX_UPLOAD_BYTES, limitName: 'MAX_UPLOAD_BYTES' },
      (file) => readGraph(file, limits),
    );
    const inputShapes = parseInputShapes(upload.fields.inputShapes);
    const ingested = analyseGraph(upload.result, { inputShapes, limits });
    const name = modelName(upload.fields.name, upload.filename, upload.result.model.graphName);
    return toModelDto(await this.store(tenantId, name, ingested, basename(upload.filename)));
  }

  async list(tenantId: string, limit: number, offset: number): Promise<Page<ModelDto>> {
    const [rows, total] = await this.dataSource.getRepository(ModelEntity).findAndCount({
      where: { tenantId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items: rows.map(toModelDto), total };
  }

  async get(tenantId: string, id: string): Promise<ModelDto> {
    return toModelDto(await this.find(tenantId, id));
  }

  async layers(tenantId: string, id: string): Promise<LayerDto[]> {
    await this.find(tenantId, id);
    const nodes = await this.dataSource
      .getRepository(ModelNodeEntity)
      .find({ where: { modelId: id }, order: { idx: 'ASC' } });
    return nodes.map(toLayerDto);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const result = await this.dataSource.getRepository(ModelEntity).delete({ id, tenantId });
    if (!result.affected) throw notFound(id);
  }

  /** A model the tenant may use for predictions and plans: its own, or a shared reference model. */
  async findUsable(tenantId: string, id: string): Promise<ModelEntity> {
    const model = await this.dataSource.getRepository(ModelEntity).findOne({
      where: [
        { id, tenantId },
        { id, tenantId: IsNull() },
      ],
    });
    if (!model) throw notFound(id);
    return model;
  }

  /** The stored per-node features, in topological order, as the pure pipeline produced them. */
  async features(modelId: string): Promise<NodeFeatures[]> {
    const nodes = await this.dataSource
      .getRepository(ModelNodeEntity)
      .find({ where: { modelId }, order: { idx: 'ASC' } });
    return nodes.map(toNodeFeatures);
  }

  private async find(tenantId: string, id: string): Promise<ModelEntity> {
    // Another tenant's model is indistinguishable from a missing one.
    const model = await this.dataSource.getRepository(ModelEntity).findOneBy({ id, tenantId });
    if (!model) throw notFound(id);
    return model;
  }

  /** Stores an ingested model and all its nodes in one transaction; a null tenant marks a shared reference model. */
  store(tenantId: string | null, name: string, ingested: IngestedModel, fileName?: string): Promise<ModelEntity> {
    const { summary, features } = ingested;
    return this.dataSource.transaction(async (em) => {
      if (tenantId !== null) await this.quotas.assertModelFits(em, tenantId, summary.fileBytes);
      const model = em.create(ModelEntity, {
        id: randomUUID(),
        tenantId,
        name,
        nodeCount: summary.nodeCount,
        inputs: summary.inputs.map(toStoredValueInfo),
        outputs: summary.outputs.map(toStoredValueInfo),
        totalMacs: summary.totalMacs,
        params: summary.params,
        weightsIncluded: summary.weightsIncluded,
        isChain: summary.isChain,
        unsupportedOps: summary.unsupportedOps,
        unresolvedTensors: summary.unresolvedTensors,
        opset: summary.opset,
        producer: summary.producer,
        opsetImports: ingested.graph.model.opsets,
        irVersion: ingested.graph.model.irVersion,
        fileBytes: summary.fileBytes,
        fileName: fileName || null,
        fingerprint: summary.fingerprint,
      });
      await em.save(model);
      const nodes = features.map((f) =>
        em.create(ModelNodeEntity, {
          modelId: model.id,
          idx: f.index,
          name: f.name,
          opType: f.opType,
          domain: ingested.graph.nodes[f.index].domain,
          inputs: f.inputs,
          inputShapes: f.inputShapes,
          outputs: f.outputs,
          attributes: f.attributes,
          macs: f.macs,
          params: f.params,
          inBytes: f.inBytes,
          outBytes: f.outBytes,
          isConstant: f.isConstant,
          macsFallback: f.macsFallback,
        }),
      );
      for (let i = 0; i < nodes.length; i += NODE_INSERT_BATCH) {
        await em.insert(ModelNodeEntity, nodes.slice(i, i + NODE_INSERT_BATCH));
      }
      // Shapes and types only (the bytes were never read), so self-profiling can synthesise stand-in weights.
      const initializers = [...ingested.graph.initializers.values()].map((t) =>
        em.create(ModelInitializerEntity, {
          modelId: model.id,
          name: t.name,
          dataType: t.dataType,
          dims: t.dims,
          // JSON has no NaN or ±Infinity: such values are dropped and the rebuild synthesises that tensor.
          values: t.values?.every(Number.isFinite) ? t.values : null,
          data: t.data ?? null,
        }),
      );
      for (let i = 0; i < initializers.length; i += NODE_INSERT_BATCH) {
        await em.insert(ModelInitializerEntity, initializers.slice(i, i + NODE_INSERT_BATCH));
      }
      return model;
    });
  }
}

function notFound(id: string): ModelsError {
  return new ModelsError(ModelsErrorCode.MODEL_NOT_FOUND, `model '${id}' not found`);
}

/** The name field when given, else the file name without `.onnx`, else the graph's own name. */
function modelName(field: string | undefined, filename: string, graphName: string): string {
  if (field !== undefined) {
    const trimmed = field.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
      throw new ModelsError(ModelsErrorCode.BAD_FIELD, `name must be 1-${MAX_NAME_LENGTH} characters`);
    }
    return trimmed;
  }
  const fromFile = basename(filename).replace(/\.onnx$/i, '');
  return (fromFile || graphName || 'model').slice(0, MAX_NAME_LENGTH);
}

function parseInputShapes(field: string | undefined): Record<string, number[]> | undefined {
  if (field === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(field);
  } catch {
    throw new ModelsError(ModelsErrorCode.BAD_FIELD, 'inputShapes must be JSON, e.g. {"x": [1, 3, 224, 224]}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModelsError(ModelsErrorCode.BAD_FIELD, 'inputShapes must be a JSON object of input name → dims');
  }
  return parsed as Record<string, number[]>;
}
