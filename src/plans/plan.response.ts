import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ResolvedLinkDto, TierDto } from '../networks/networks.dto';
import { GRAPH_OPTIMIZATIONS, GraphOptimization } from '../platforms/runtime';
import { KernelLatencyDto } from '../predictions/predictions.dto';

export class PlanTierDto {
  @ApiProperty({ example: 'end' })
  tier: string;

  @ApiProperty({ example: 'ref-cpu1' })
  platform: string;

  @ApiProperty()
  computeMs: number;

  @ApiProperty({ type: [String], description: 'every node of the model appears in exactly one tier' })
  nodes: string[];

  @ApiPropertyOptional({ example: 'onnxruntime', description: "the runtime this tier's compute describes" })
  runtime?: string;

  @ApiPropertyOptional({
    enum: GRAPH_OPTIMIZATIONS,
    nullable: true,
    description: 'the graph optimisation it describes; null for a runtime without modes',
  })
  graphOptimization?: GraphOptimization | null;

  @ApiPropertyOptional({
    type: [KernelLatencyDto],
    description:
      "the kernels run on this tier, each counted once (latency on this tier's platform); no plan splits a kernel",
  })
  kernels?: KernelLatencyDto[];
}

export class PlanTransferDto {
  @ApiProperty({ example: 'end-edge' })
  link: string;

  @ApiProperty()
  bytes: number;

  @ApiProperty()
  ms: number;

  @ApiProperty({ type: [String] })
  tensors: string[];
}

export class PlanRegionDto {
  @ApiProperty({ example: 'end-edge' })
  link: string;

  @ApiProperty()
  fromMbps: number;

  @ApiProperty()
  toMbps: number;

  @ApiProperty()
  totalMsFrom: number;

  @ApiProperty()
  totalMsTo: number;

  @ApiProperty({ description: 'inside the region totalMs = fixedMs + msMbps / uplinkMbps' })
  fixedMs: number;

  @ApiProperty()
  msMbps: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'node name → tier' })
  tierOfNode: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' } })
  cuts?: Record<string, number>;
}

export class PlanNetworkDto {
  @ApiProperty({ type: [TierDto] })
  tiers: TierDto[];

  @ApiProperty({ type: [ResolvedLinkDto] })
  links: ResolvedLinkDto[];
}

export class PlanDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  modelId: string;

  @ApiProperty({ enum: ['latency'] })
  objective: 'latency';

  @ApiProperty({ description: 'end-to-end latency of the plan: compute + transfers + return' })
  totalMs: number;

  @ApiProperty({ type: [PlanTierDto] })
  tiers: PlanTierDto[];

  @ApiProperty({ type: [PlanTransferDto], description: 'uplink messages, one per used link' })
  transfers: PlanTransferDto[];

  @ApiProperty({ type: [PlanTransferDto], description: 'downlink messages returning the outputs to the end device' })
  returns: PlanTransferDto[];

  @ApiProperty()
  returnMs: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'chains only: per link, index of the last node on an earlier tier (topological order)',
  })
  cuts?: Record<string, number>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    example: { 'end-only': 120.3, 'edge-only': 60.2, 'end-cloud': 70.1 },
  })
  baselines: Record<string, number | null>;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { measured: 12, predicted: 48 } })
  predictionSources: Record<string, number>;

  @ApiProperty({ type: [PlanRegionDto] })
  bandwidthRegions: PlanRegionDto[];

  @ApiProperty({ type: PlanNetworkDto })
  network: PlanNetworkDto;

  @ApiProperty({ enum: ['float32', 'float16', 'int8'] })
  transferDtype: 'float32' | 'float16' | 'int8';

  @ApiProperty({ nullable: true, type: Number })
  inputBytes: number | null;

  @ApiProperty({ type: [String] })
  pinToEnd: string[];

  @ApiPropertyOptional({
    enum: GRAPH_OPTIMIZATIONS,
    nullable: true,
    description: 'the mode the request asked for (null: each platform its default); see tiers[].graphOptimization',
  })
  graphOptimization?: GraphOptimization | null;

  @ApiProperty()
  createdAt: Date;
}
