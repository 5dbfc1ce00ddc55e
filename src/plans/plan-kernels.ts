import type { KernelGrouping } from '../kernels';
import type { NodeFeatures } from '../onnx/types';
import type { KernelProblem } from '../planning/kernel-plan';
import type { KernelSource } from '../predictions/kernel-latencies';
import type { RuntimeLatencies } from '../predictions/predictions.service';

export interface PlanKernel {
  kernel: string;
  kernelClass: string;
  nodes: string[];
  latencyUs: number;
  source: KernelSource;
}

/**
 * The kernels a plan runs on tier `t`, each with its cost counted once there: a vertex of the contracted graph is
 * one kernel. Its source is the kernel's own at `all`; on a tier timed node by node it is measured when every node
 * of it was.
 */
export function tierKernels(
  problem: KernelProblem,
  features: NodeFeatures[],
  latencies: RuntimeLatencies,
  grouping: KernelGrouping | null,
  vertexTiers: number[],
  t: number,
): PlanKernel[] {
  const result: PlanKernel[] = [];
  problem.contracted.members.forEach((members, i) => {
    if (vertexTiers[i] !== t) return;
    const running = members.filter((v) => !features[v].isConstant);
    const k = grouping ? grouping.kernelOf[running[0]] : -1;
    const kernel = k >= 0 ? grouping!.kernels[k] : undefined;
    let source: KernelSource = running.every((v) => latencies.sources[v] === 'measured') ? 'measured' : 'predicted';
    if (latencies.grouping === grouping && k >= 0) source = latencies.kernelSources[k];
    result.push({
      kernel: problem.kernels.graph.nodes[i].name,
      kernelClass: kernel?.kernelClass ?? features[running[0]].opType,
      nodes: members.map((v) => features[v].name),
      latencyUs: problem.kernels.graph.nodes[i].latencyUs[t],
      source,
    });
  });
  return result;
}
