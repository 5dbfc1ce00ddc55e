import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PlanSummaryTierDto {
  @ApiProperty({ example: 'end' })
  tier: string;

  @ApiProperty({ example: 'ref-cpu1' })
  platform: string;

  @ApiProperty()
  computeMs: number;
}

/** A plan in a list: what tells plans apart, without node lists and regions (GET /v1/plans/{id} has those). */
export class PlanSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  modelId: string;

  @ApiProperty({ enum: ['latency'] })
  objective: string;

  @ApiProperty()
  totalMs: number;

  @ApiPropertyOptional({ enum: ['float32', 'float16', 'int8'] })
  transferDtype?: string;

  @ApiProperty({ type: [PlanSummaryTierDto] })
  tiers: PlanSummaryTierDto[];

  @ApiProperty()
  createdAt: Date;
}

export class PlanPageDto {
  @ApiProperty({ type: [PlanSummaryDto] })
  items: PlanSummaryDto[];

  @ApiProperty()
  total: number;
}
