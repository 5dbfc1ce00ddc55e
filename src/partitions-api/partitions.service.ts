import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ModelInitializerEntity } from '../models/entities/model-initializer.entity';
import { ModelNodeEntity } from '../models/entities/model-node.entity';
import { ModelEntity } from '../models/entities/model.entity';
import { buildManifest } from '../partitions/manifest';
import { storedGraph } from '../partitions/stored-graph';
import { buildSubModel } from '../partitions/sub-model';
import { PartitionsError, PartitionsErrorCode, PlanAssignment, StoredGraph } from '../partitions/types';
import { PlanEntity } from '../plans/entities/plan.entity';
import { PlansError, PlansErrorCode } from '../plans/plans.error';
import type { PartitionManifestDto } from './partitions.dto';

interface Loaded {
  plan: PlanEntity;
  model: ModelEntity;
  graph: StoredGraph;
  assignment: PlanAssignment;
}

/** Turns a stored plan into its manifest and per-tier ONNX sub-models (the pure work is in partitions/). */
@Injectable()
export class PartitionsService {
  constructor(private readonly dataSource: DataSource) {}

  async manifest(tenantId: string, planId: string): Promise<PartitionManifestDto> {
    const { plan, model, graph, assignment } = await this.load(tenantId, planId);
    const manifest = guard(() => buildManifest(graph, assignment));
    return {
      planId: plan.id,
      modelId: model.id,
      transferDtype: manifest.transferDtype,
      file: { name: manifest.fileName, bytes: model.fileBytes, fingerprint: model.fingerprint },
      tiers: manifest.tiers.map((t) => ({
        ...t,
        subModel: t.nodes.length > 0 ? `/v1/plans/${plan.id}/partitions/${encodeURIComponent(t.tier)}.onnx` : null,
      })),
      links: manifest.links,
    };
  }

  async subModel(tenantId: string, planId: string, tier: string): Promise<Uint8Array> {
    const { graph, assignment } = await this.load(tenantId, planId);
    return guard(() => buildSubModel(graph, assignment, tier));
  }

  private async load(tenantId: string, planId: string): Promise<Loaded> {
    // Another tenant's plan is indistinguishable from a missing one.
    const plan = await this.dataSource.getRepository(PlanEntity).findOneBy({ id: planId, tenantId });
    if (!plan) throw new PlansError(PlansErrorCode.PLAN_NOT_FOUND, `plan '${planId}' not found`);
    const model = await this.dataSource.getRepository(ModelEntity).findOneBy({ id: plan.modelId });
    if (!model) {
      throw new PlansError(
        PlansErrorCode.NOT_EXPORTABLE,
        `the model '${plan.modelId}' of plan '${planId}' was deleted`,
      );
    }
    const [nodes, initializers] = await Promise.all([
      this.dataSource.getRepository(ModelNodeEntity).find({ where: { modelId: model.id }, order: { idx: 'ASC' } }),
      this.dataSource.getRepository(ModelInitializerEntity).find({ where: { modelId: model.id } }),
    ]);
    const graph = guard(() =>
      storedGraph(
        {
          irVersion: model.irVersion,
          opsetImports: model.opsetImports,
          fileName: model.fileName,
          inputs: model.inputs,
          outputs: model.outputs,
        },
        nodes,
        initializers,
      ),
    );
    const stored = plan.plan;
    const assignment: PlanAssignment = {
      tiers: stored.tiers.map((t) => ({ tier: t.tier, platform: t.platform, nodes: t.nodes })),
      transferDtype: stored.transferDtype,
      inputBytes: stored.inputBytes,
    };
    return { plan, model, graph, assignment };
  }
}

const STATUS_CODE: Record<PartitionsErrorCode, PlansErrorCode> = {
  [PartitionsErrorCode.TIER_NOT_FOUND]: PlansErrorCode.TIER_NOT_FOUND,
  [PartitionsErrorCode.EMPTY_TIER]: PlansErrorCode.TIER_NOT_FOUND,
  [PartitionsErrorCode.NOT_EXPORTABLE]: PlansErrorCode.NOT_EXPORTABLE,
  // A stored plan that does not fit its model (it was changed under it): nothing the client can fix by asking again.
  [PartitionsErrorCode.BAD_ASSIGNMENT]: PlansErrorCode.NOT_EXPORTABLE,
};

/** The pure core's errors as the API's. */
function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof PartitionsError) throw new PlansError(STATUS_CODE[e.code], e.message, e.details);
    throw e;
  }
}
