import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { timedSync } from '../common/timings';
import { ModelsService } from '../models/models.service';
import type { NodeFeatures } from '../onnx/types';
import { NetworksService, ResolvedNetwork } from '../networks/networks.service';
import { bandwidthRegions } from '../planning/bandwidth-regions';
import { baselines } from '../planning/baselines';
import { asChain } from '../planning/chain-solver';
import { deadlineAfter, PlanningTimeout } from '../planning/cost-model';
import { expandAssignment, prepareKernelProblem, solveKernelProblem } from '../planning/kernel-plan';
import { planGraphFromFeatures } from '../planning/plan-graph';
import { buildReport } from '../planning/plan-report';
import type { PlanNetwork } from '../planning/types';
import { PlatformDirectory } from '../platforms/platform-directory';
import { runtimeHasModes } from '../platforms/runtime';
import { PredictionsService } from '../predictions/predictions.service';
import { renderPlanDiagram } from './diagram';
import { PlanEntity } from './entities/plan.entity';
import { PlanInputsService } from './plan-inputs.service';
import { tierKernels } from './plan-kernels';
import { PlanDto } from './plan.response';
import { CreatePlanDto } from './plans.dto';
import { PlansError, PlansErrorCode } from './plans.error';

const DEFAULT_RANGE = { fromMbps: 0.1, toMbps: 1000 };

@Injectable()
export class PlansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsService,
    private readonly networks: NetworksService,
    private readonly platforms: PlatformDirectory,
    private readonly inputs: PlanInputsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly predictions: PredictionsService,
  ) {}

  async create(tenantId: string, dto: CreatePlanDto): Promise<PlanDto> {
    const network = await this.network(tenantId, dto);
    const model = await this.models.findUsable(tenantId, dto.modelId);
    const features = await this.inputs.featuresOf(model.id);
    const graphOf = {
      id: model.id,
      inputs: model.inputs.map((i) => i.name),
      outputs: model.outputs.map((o) => o.name),
    };
    const tierPlatforms = await Promise.all(network.tiers.map((t) => this.platforms.resolve(tenantId, t.platform)));
    // The requested mode applies to the tiers whose runtime has modes; PyTorch eager runs as it runs.
    const modes = await Promise.all(
      tierPlatforms.map((p) =>
        this.predictions.resolveMode(p, runtimeHasModes(p.runtime) ? dto.graphOptimization : undefined),
      ),
    );
    const latencies = await Promise.all(tierPlatforms.map((p, t) => this.inputs.latenciesOf(p, graphOf, modes[t])));
    // One tier running ORT's kernels is enough: a plan that split one would not run it as priced there. Tiers
    // whose CPUs group differently (another NCHWc block) are planned with the first such tier's kernels.
    const firstAll = modes.findIndex((m) => m.graphOptimization === 'all');
    const kernels =
      firstAll < 0
        ? null
        : await this.inputs.kernelsOf(graphOf, await this.predictions.nchwcBlockSize(tierPlatforms[firstAll]));
    tierPlatforms.forEach((p, tier) => checkLatencies(features, latencies[tier].latencyUs, p.slug));

    const indexOf = new Map(features.map((f) => [f.name, f.index]));
    const pinToEnd = dto.pinToEnd ?? [];
    const unknown = pinToEnd.filter((n) => !indexOf.has(n));
    if (unknown.length > 0) throw bad(`pinToEnd names nodes not in the model: ${unknown.slice(0, 20).join(', ')}`);

    const graph = planGraphFromFeatures(
      features,
      model.inputs.map((i) => ({ name: i.name, elemType: i.elemType, shape: i.shape ?? undefined })),
      model.outputs.map((o) => o.name),
      latencies.map((l) => l.latencyUs),
    );
    const transferDtype = dto.transferDtype ?? 'float32';
    const options = { transferDtype, inputBytes: dto.inputBytes, pinToEnd: pinToEnd.map((n) => indexOf.get(n)!) };
    const planNetwork: PlanNetwork = { tiers: network.tiers.length, links: network.links };
    const tierNames = network.tiers.map((t) => t.name);
    const link = dto.bandwidth?.link ?? 1;
    const range = { ...DEFAULT_RANGE, ...dto.bandwidth };
    if (planNetwork.tiers > 1 && link >= planNetwork.tiers)
      throw bad(`bandwidth.link ${link} does not exist: links are 1..${planNetwork.tiers - 1}`);
    if (range.fromMbps >= range.toMbps) throw bad('bandwidth.fromMbps must be below bandwidth.toMbps');

    const budgetMs = this.config.PLAN_TIME_BUDGET_MS;
    const { problem, solution, regions, sixBaselines } = withinBudget(budgetMs, features.length, () => {
      // The solve is synchronous: the deadline bounds how long it can hold the event loop.
      const prepared = prepareKernelProblem(
        graph,
        kernels?.kernelOf ?? null,
        { ...options, deadline: deadlineAfter(budgetMs) },
        kernels?.kernels.map((k) => k.name),
      );
      return {
        problem: prepared,
        solution: timedSync('solver', () => solveKernelProblem(prepared, planNetwork))!,
        regions:
          planNetwork.tiers > 1
            ? bandwidthRegions(prepared.kernels, planNetwork, link, range.fromMbps, range.toMbps).map((r) => ({
                ...r,
                assignment: expandAssignment(prepared, r.assignment),
              }))
            : [],
        sixBaselines: baselines(prepared.kernels, planNetwork, tierNames),
      };
    });

    const report = buildReport({
      nodeNames: features.map((f) => f.name),
      tierNames,
      tierPlatforms: network.tiers.map((t) => t.platform),
      isChain: asChain(problem.nodes) !== null,
      solution,
      baselines: sixBaselines,
      regions,
      regionLink: link,
    });
    const vertexTiers = problem.contracted.members.map((nodes) => solution.assignment[nodes[0]]);
    const tiers = report.tiers.map((tier, t) => ({
      ...tier,
      ...modes[t],
      kernels: tierKernels(problem, features, latencies[t], kernels, vertexTiers, t),
    }));
    const predictionSources: Record<string, number> = { measured: 0, predicted: 0, constant: 0, fused: 0 };
    solution.assignment.forEach((tier, i) => predictionSources[latencies[tier].sources[i]]++);

    const plan = {
      modelId: model.id,
      objective: 'latency' as const,
      ...report,
      tiers,
      predictionSources,
      network: { tiers: network.tiers, links: network.links },
      transferDtype,
      inputBytes: dto.inputBytes ?? null,
      pinToEnd,
      graphOptimization: dto.graphOptimization ?? null,
    };
    const row = await this.dataSource
      .getRepository(PlanEntity)
      .save({ id: randomUUID(), tenantId, modelId: model.id, plan });
    return { id: row.id, ...plan, createdAt: row.createdAt };
  }

  async get(tenantId: string, id: string): Promise<PlanDto> {
    const row = await this.dataSource.getRepository(PlanEntity).findOneBy({ id, tenantId });
    if (!row) throw new PlansError(PlansErrorCode.PLAN_NOT_FOUND, `plan '${id}' not found`);
    return { id: row.id, ...row.plan, createdAt: row.createdAt };
  }

  /** The stored plan drawn as an SVG timeline (a 404 like `get` for another tenant's plan). */
  async diagram(tenantId: string, id: string): Promise<string> {
    return renderPlanDiagram(await this.get(tenantId, id));
  }

  private async network(tenantId: string, dto: CreatePlanDto): Promise<ResolvedNetwork> {
    if ((dto.network === undefined) === (dto.networkId === undefined)) {
      throw bad('give exactly one of network (inline) or networkId');
    }
    return dto.network ? this.networks.resolve(tenantId, dto.network) : this.networks.get(tenantId, dto.networkId!);
  }
}

const bad = (message: string) => new PlansError(PlansErrorCode.BAD_PLAN_REQUEST, message);

/** Runs the planning core; its time budget running out is the caller's graph being too large: a 422, not a 500. */
function withinBudget<T>(budgetMs: number, nodes: number, plan: () => T): T {
  try {
    return plan();
  } catch (e) {
    if (!(e instanceof PlanningTimeout)) throw e;
    throw new PlansError(
      PlansErrorCode.PLAN_BUDGET_EXCEEDED,
      `planning this model (${nodes} nodes) takes more than the ${budgetMs} ms budget (PLAN_TIME_BUDGET_MS)`,
      { budgetMs, nodes },
    );
  }
}

/**
 * Every latency the planner prices must be a finite, non-negative number. A model stored before its shapes were
 * checked can make a predictor answer NaN or Infinity; that is a 422 naming the node, not a 500 from the solver.
 */
function checkLatencies(features: NodeFeatures[], latencyUs: Float64Array, platform: string): void {
  const i = features.findIndex((f, k) => !f.isConstant && !(latencyUs[k] >= 0 && latencyUs[k] < Infinity));
  if (i < 0) return;
  throw new PlansError(
    PlansErrorCode.UNPLANNABLE_MODEL,
    `platform '${platform}' gives node '${features[i].name}' (${features[i].opType}) a latency of ${latencyUs[i]} µs: ` +
      `its features (MACs ${features[i].macs}, params ${features[i].params}) are outside what the predictor can price; ` +
      'upload the model again to have its shapes checked',
    { node: features[i].name, platform },
  );
}
