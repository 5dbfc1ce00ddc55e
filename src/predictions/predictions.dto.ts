import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, ValidateIf } from 'class-validator';
import { GRAPH_OPTIMIZATIONS, GraphOptimization } from '../platforms/runtime';
import type { KernelSource, LatencySource } from './kernel-latencies';

export type { LatencySource } from './kernel-latencies';

export const GRAPH_OPTIMIZATION_PROPERTY = {
  enum: GRAPH_OPTIMIZATIONS,
  description:
    "ONNX Runtime's graph optimisation to answer for: `all` (its default: kernels, as deployed) or `disabled` " +
    "(profiling mode: every node on its own). Default: the platform's default. A platform without a model for " +
    'the mode, or whose runtime has no modes (PyTorch eager), answers 400.',
};

export class PredictionRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  modelId: string;

  @ApiProperty({ example: 'ref-cpu1', description: 'platform slug' })
  @IsString()
  platform: string;

  @ApiPropertyOptional(GRAPH_OPTIMIZATION_PROPERTY)
  @ValidateIf((o: { graphOptimization?: unknown }) => o.graphOptimization !== undefined) // null is not absent
  @IsIn(GRAPH_OPTIMIZATIONS, { message: `graphOptimization must be one of: ${GRAPH_OPTIMIZATIONS.join(', ')}` })
  graphOptimization?: GraphOptimization;
}

export class NodeLatencyDto {
  @ApiProperty()
  name: string;

  @ApiProperty()
  opType: string;

  @ApiProperty({ description: "microseconds; a kernel's whole cost sits on its main node" })
  latencyUs: number;

  @ApiProperty({
    enum: ['measured', 'predicted', 'constant', 'fused'],
    description:
      'a measurement of this model, node (or kernel) and platform wins over a prediction; constant nodes are ' +
      'folded; `fused`: part of a kernel whose cost sits on its main node, or eliminated by the runtime (0 µs)',
  })
  source: LatencySource;
}

export class KernelLatencyDto {
  @ApiProperty({ description: "as ONNX Runtime's optimised graph names it; a node's own name when it runs alone" })
  kernel: string;

  @ApiProperty({ example: 'conv', description: 'kernel class (`eliminated`: costs nothing); the op type when alone' })
  kernelClass: string;

  @ApiProperty({ type: [String], description: 'its nodes, in topological order' })
  nodes: string[];

  @ApiProperty({ description: 'microseconds' })
  latencyUs: number;

  @ApiProperty({ enum: ['measured', 'predicted'] })
  source: KernelSource;
}

export class PredictionDto {
  @ApiProperty()
  platform: string;

  @ApiProperty({ example: 'onnxruntime', description: 'the runtime these latencies describe' })
  runtime: string;

  @ApiProperty({
    enum: GRAPH_OPTIMIZATIONS,
    nullable: true,
    description: 'the graph optimisation they describe; null for a runtime without modes',
  })
  graphOptimization: GraphOptimization | null;

  @ApiProperty({ nullable: true, type: String, description: 'null when every node was measured or constant' })
  predictorId: string | null;

  @ApiProperty()
  totalMs: number;

  @ApiProperty({ type: [NodeLatencyDto], description: 'every node of the model, in topological order' })
  nodes: NodeLatencyDto[];

  @ApiProperty({
    type: [KernelLatencyDto],
    description: 'the kernels the runtime runs (one per non-constant node unless graphOptimization is all)',
  })
  kernels: KernelLatencyDto[];
}
