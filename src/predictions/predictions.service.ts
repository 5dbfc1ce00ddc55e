import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { timed } from '../common/timings';
import { DEFAULT_NCHWC_BLOCK, groupKernels, KernelGrouping } from '../kernels';
import { ModelsService } from '../models/models.service';
import type { NodeFeatures } from '../onnx/types';
import { KernelMeasurementEntity } from '../platforms/entities/kernel-measurement.entity';
import { MeasurementEntity } from '../platforms/entities/measurement.entity';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { PlatformDirectory } from '../platforms/platform-directory';
import { GraphOptimization, runtimeHasModes } from '../platforms/runtime';
import {
  GroupingRef,
  KernelSource,
  kernelsFromNodes,
  LatencySource,
  nodeKernels,
  nodesFromKernels,
  withMeasuredKernels,
} from './kernel-latencies';
import { PredictionDto } from './predictions.dto';
import { PredictionsError, PredictionsErrorCode } from './predictions.error';
import { PredictorRegistry } from './predictor-registry';

export interface NodeLatencies {
  latencyUs: Float64Array;
  sources: LatencySource[];
  predictorId: string | null;
}

/** The runtime and mode a latency describes; `graphOptimization` is null for a runtime without modes. */
export interface RuntimeMode {
  runtime: string;
  graphOptimization: GraphOptimization | null;
}

/** Latencies as one runtime and mode run the model: per kernel, and per node with a kernel's cost on its main node. */
export interface RuntimeLatencies extends NodeLatencies, RuntimeMode {
  /** The kernels it runs: ORT's at `all`, one per non-constant node otherwise. */
  grouping: GroupingRef;
  kernelUs: Float64Array;
  kernelSources: KernelSource[];
}

/** The graph facts kernel grouping needs besides the nodes. */
export interface ModelGraph {
  id: string;
  inputs: string[];
  outputs: string[];
}

/**
 * Per-node latency of a model on a platform: a measurement of the same model, node and platform wins; constant
 * nodes are folded (0 µs); the rest comes from the platform's predictor, or, for a derived platform, from its
 * base platform × scale. At graph optimisation `all` the per-node latencies feed the platform's deployed cost
 * model, which prices each kernel; a kernel measured at `all` wins over its predicted cost.
 */
@Injectable()
export class PredictionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsService,
    private readonly platforms: PlatformDirectory,
    private readonly registry: PredictorRegistry,
  ) {}

  async predict(
    tenantId: string,
    modelId: string,
    slug: string,
    graphOptimization?: GraphOptimization,
  ): Promise<PredictionDto> {
    const platform = await this.platforms.resolve(tenantId, slug);
    const model = await this.models.findUsable(tenantId, modelId);
    const features = await this.models.features(model.id);
    const graph = { id: model.id, inputs: model.inputs.map((i) => i.name), outputs: model.outputs.map((o) => o.name) };
    const mode = await this.resolveMode(platform, graphOptimization);
    const grouping = await this.groupingFor(platform, mode, features, graph);
    const result = await this.runtimeLatencies(platform, graph, features, mode, grouping);
    const nodes = features.map((f, i) => ({
      name: f.name,
      opType: f.opType,
      latencyUs: result.latencyUs[i],
      source: result.sources[i],
    }));
    const kernels = result.grouping.kernels.map((k, i) => ({
      kernel: k.name,
      kernelClass: k.kernelClass,
      nodes: k.nodes.map((v) => features[v].name),
      latencyUs: result.kernelUs[i],
      source: result.kernelSources[i],
    }));
    const totalMs = nodes.reduce((sum, n) => sum + n.latencyUs, 0) / 1000;
    return {
      platform: platform.slug,
      runtime: mode.runtime,
      graphOptimization: mode.graphOptimization,
      predictorId: result.predictorId,
      totalMs,
      nodes,
      kernels,
    };
  }

  /** Whole-model latency (sum of node latencies) of a usable model on a platform in its default mode, in ms. */
  async totalMs(tenantId: string, modelId: string, platform: PlatformEntity): Promise<number> {
    const model = await this.models.findUsable(tenantId, modelId);
    const features = await this.models.features(model.id);
    const graph = { id: model.id, inputs: model.inputs.map((i) => i.name), outputs: model.outputs.map((o) => o.name) };
    const mode = await this.resolveMode(platform);
    const grouping = await this.groupingFor(platform, mode, features, graph);
    const result = await this.runtimeLatencies(platform, graph, features, mode, grouping);
    return result.latencyUs.reduce((sum, us) => sum + us, 0) / 1000;
  }

  /** The kernels the platform runs in `mode`: ORT's at `all` (grouped for its CPU), one per node otherwise. */
  async groupingFor(
    platform: PlatformEntity,
    mode: RuntimeMode,
    features: NodeFeatures[],
    graph: ModelGraph,
  ): Promise<GroupingRef> {
    if (mode.graphOptimization !== 'all') return nodeKernels(features);
    return groupKernels(features, graph, { nchwcBlockSize: await this.nchwcBlockSize(platform) });
  }

  /** The NCHWc block ORT uses on the platform's CPU (the deployed model's; a derived platform's base's). */
  async nchwcBlockSize(platform: PlatformEntity): Promise<number> {
    return this.registry.deployedModel(await this.rootOf(platform))?.nchwcBlockSize ?? DEFAULT_NCHWC_BLOCK;
  }

  /**
   * The graph optimisation modes a platform has a latency model for: `disabled` on every ONNX Runtime platform
   * (per-node measurements and predictor), `all` where there is a deployed cost model (a derived platform: its
   * base's). A runtime without modes has none.
   */
  async modesOf(platform: PlatformEntity): Promise<GraphOptimization[]> {
    if (!runtimeHasModes(platform.runtime)) return [];
    const root = await this.rootOf(platform);
    return this.registry.deployedModel(root) ? ['all', 'disabled'] : ['disabled'];
  }

  /**
   * The mode a request is answered in: the one it names, else the platform's default when the platform has a
   * model for it, else the one it has. Naming a mode the platform has no model for is a 400 naming what it has.
   */
  async resolveMode(platform: PlatformEntity, requested?: GraphOptimization): Promise<RuntimeMode> {
    const runtime = platform.runtime;
    const modes = await this.modesOf(platform);
    if (!runtimeHasModes(runtime)) {
      if (requested === undefined) return { runtime, graphOptimization: null };
      throw new PredictionsError(
        PredictionsErrorCode.UNSUPPORTED_GRAPH_OPTIMIZATION,
        `platform '${platform.slug}' describes ${runtime}, which has no graph optimisation modes: omit graphOptimization`,
        { platform: platform.slug, runtime, graphOptimizations: modes },
      );
    }
    if (requested !== undefined && !modes.includes(requested)) {
      throw new PredictionsError(
        PredictionsErrorCode.UNSUPPORTED_GRAPH_OPTIMIZATION,
        `platform '${platform.slug}' has no latency model for graphOptimization '${requested}': it has ${modes.join(', ')}`,
        { platform: platform.slug, runtime, graphOptimizations: modes },
      );
    }
    const preferred = platform.defaultGraphOptimization;
    const graphOptimization = requested ?? (preferred && modes.includes(preferred) ? preferred : modes[0]);
    return { runtime, graphOptimization };
  }

  /** A model's latencies in one resolved mode; `grouping` must be groupKernels' at `all`, nodeKernels' otherwise. */
  async runtimeLatencies(
    platform: PlatformEntity,
    graph: ModelGraph,
    features: NodeFeatures[],
    mode: RuntimeMode,
    grouping: GroupingRef,
  ): Promise<RuntimeLatencies> {
    if (mode.graphOptimization !== 'all') {
      const perNode = await this.latencies(platform, graph.id, features);
      const kernels = kernelsFromNodes(grouping, perNode.latencyUs, perNode.sources);
      return { ...perNode, ...mode, grouping, kernelUs: kernels.latencyUs, kernelSources: kernels.sources };
    }
    const predicted = await this.deployedKernels(platform, graph.id, features, grouping as KernelGrouping);
    const kernels = withMeasuredKernels(grouping, predicted.latencyUs, await this.measuredKernels(platform, graph.id));
    const nodes = nodesFromKernels(grouping, kernels.latencyUs, kernels.sources, features);
    return {
      ...nodes,
      ...mode,
      predictorId: predicted.predictorId,
      grouping,
      kernelUs: kernels.latencyUs,
      kernelSources: kernels.sources,
    };
  }

  /** Per-node latencies as ONNX Runtime takes them with graph optimisation disabled (each node on its own). */
  async latencies(platform: PlatformEntity, modelId: string, features: NodeFeatures[]): Promise<NodeLatencies> {
    const measured = await this.measured(platform.id, modelId);
    const latencyUs = new Float64Array(features.length);
    const sources: LatencySource[] = features.map((f) =>
      f.isConstant ? 'constant' : measured.has(f.index) ? 'measured' : 'predicted',
    );
    const toPredict = features.filter((_, i) => sources[i] === 'predicted');
    let predictorId: string | null = null;
    if (toPredict.length > 0) {
      const predicted = await this.predicted(platform, modelId, features);
      predictorId = predicted.predictorId;
      features.forEach((_, i) => (latencyUs[i] = predicted.latencyUs[i]));
    }
    features.forEach((f, i) => {
      if (sources[i] === 'measured') latencyUs[i] = measured.get(f.index)!;
      if (sources[i] === 'constant') latencyUs[i] = 0;
    });
    return { latencyUs, sources, predictorId };
  }

  /** Kernel latencies at `all` from the deployed cost model; a derived platform's are its base's × scale. */
  private async deployedKernels(
    platform: PlatformEntity,
    modelId: string,
    features: NodeFeatures[],
    grouping: KernelGrouping,
  ): Promise<{ latencyUs: Float64Array; predictorId: string | null }> {
    if (platform.derivedFromId !== null && platform.scale !== null) {
      const base = await this.dataSource.getRepository(PlatformEntity).findOneByOrFail({ id: platform.derivedFromId });
      const fromBase = await this.deployedKernels(base, modelId, features, grouping);
      const measured = withMeasuredKernels(grouping, fromBase.latencyUs, await this.measuredKernels(base, modelId));
      return {
        latencyUs: measured.latencyUs.map((us) => us * platform.scale!),
        predictorId: `${fromBase.predictorId ?? base.slug}×${platform.scale}`,
      };
    }
    const model = this.registry.deployedModel(platform);
    if (!model) {
      throw new PredictionsError(
        PredictionsErrorCode.UNSUPPORTED_GRAPH_OPTIMIZATION,
        `platform '${platform.slug}' has no latency model for graphOptimization 'all'`,
      );
    }
    const disabled = await this.latencies(platform, modelId, features);
    const latencyUs = model.kernelLatencies(grouping, features, disabled.latencyUs);
    return { latencyUs, predictorId: disabled.predictorId ? `${disabled.predictorId}+${model.id}` : model.id };
  }

  private async rootOf(platform: PlatformEntity): Promise<PlatformEntity> {
    let current = platform;
    for (let depth = 0; current.derivedFromId !== null && depth < 100; depth++) {
      current = await this.dataSource.getRepository(PlatformEntity).findOneByOrFail({ id: current.derivedFromId });
    }
    return current;
  }

  private async predicted(
    platform: PlatformEntity,
    modelId: string,
    features: NodeFeatures[],
  ): Promise<{ latencyUs: Float64Array; predictorId: string }> {
    if (platform.derivedFromId !== null && platform.scale !== null) {
      const base = await this.dataSource.getRepository(PlatformEntity).findOneByOrFail({ id: platform.derivedFromId });
      const fromBase = await this.latencies(base, modelId, features);
      return {
        latencyUs: fromBase.latencyUs.map((us) => us * platform.scale!),
        predictorId: `${fromBase.predictorId ?? base.slug}×${platform.scale}`,
      };
    }
    const predictor = await this.registry.forPlatform(platform);
    if (!predictor) {
      throw new PredictionsError(
        PredictionsErrorCode.NO_PREDICTOR,
        `platform '${platform.slug}' has no predictor and not every node of this model is measured on it: ` +
          `train one (POST /v1/platforms/${platform.slug}/predictors) or measure the missing nodes`,
      );
    }
    return {
      latencyUs: await timed('prediction', () => predictor.predict(features)),
      predictorId: predictor.artifact.id,
    };
  }

  /**
   * Measurements of this model on the platform, and those of a reference model with the same architecture
   * fingerprint (the same graph, node for node in the same order: an upload of a reference architecture, with or
   * without its weights). The model's own measurement of a node wins over its twin's.
   */
  private async measured(platformId: string, modelId: string): Promise<Map<number, number>> {
    const twin: { node_idx: number; median_us: number }[] = await this.dataSource.query(
      `SELECT m.node_idx, m.median_us FROM measurements m
         JOIN models twin ON twin.id = m.model_id
         JOIN models own ON own.id = $2
        WHERE m.platform_id = $1 AND twin.tenant_id IS NULL AND twin.id <> own.id
          AND twin.fingerprint = own.fingerprint AND twin.node_count = own.node_count`,
      [platformId, modelId],
    );
    const rows = await this.dataSource
      .getRepository(MeasurementEntity)
      .find({ where: { platformId, modelId }, select: { nodeIdx: true, medianUs: true } });
    return new Map([
      ...twin.map((r) => [r.node_idx, r.median_us] as const),
      ...rows.map((r) => [r.nodeIdx, r.medianUs] as const),
    ]);
  }

  /** Kernels of this model measured at `all` on this very platform, by kernel name. */
  private async measuredKernels(platform: PlatformEntity, modelId: string): Promise<Map<string, number>> {
    const rows = await this.dataSource
      .getRepository(KernelMeasurementEntity)
      .find({ where: { platformId: platform.id, modelId }, select: { kernel: true, medianUs: true } });
    return new Map(rows.map((r) => [r.kernel, r.medianUs]));
  }
}
