import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PredictorMetricsDto {
  @ApiProperty({ description: 'mean absolute percentage error per node, nodes of at least 5 µs' })
  nodeMape: number;

  @ApiProperty({ description: 'Σ|predicted − measured| / Σ measured' })
  timeWeightedError: number;

  @ApiProperty({ description: 'share of nodes predicted within ±10%' })
  within10: number;

  @ApiProperty({ description: 'share of nodes predicted within ±25%' })
  within25: number;

  @ApiProperty({ description: 'whole-model error (NaN → null when no whole-model measurement)', nullable: true })
  modelError: number | null;

  @ApiProperty()
  nodes: number;

  @ApiProperty()
  models: number;
}

export class PredictorDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ example: 'ref-cpu1' })
  platform: string;

  @ApiProperty({ description: 'the one predictions use' })
  active: boolean;

  @ApiProperty({ enum: ['shared', 'per-class'] })
  mode: string;

  @ApiProperty({
    description: 'training rows per operator class',
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  samples: Record<string, number>;

  @ApiProperty({
    description:
      'leave-one-model-out metrics of the served MLP (`mlp`) and, trained on the same split, the Neurosurgeon-style ' +
      'linear baseline (`neurosurgeon`) and the nn-Meter-style random forest (`nnMeter`); empty with fewer than two models',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/PredictorMetricsDto' },
  })
  metrics: Record<string, PredictorMetricsDto>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'rows, sets, seed, epochs, time (ms)…' })
  training: Record<string, unknown>;

  @ApiPropertyOptional({ nullable: true, type: Date })
  createdAt: Date | null;
}

export class PredictorListDto {
  @ApiProperty({ type: [PredictorDto], description: 'newest first' })
  items: PredictorDto[];
}
