import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID } from 'class-validator';

export class PredictionRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  modelId: string;

  @ApiProperty({ example: 'ref-cpu1', description: 'platform slug' })
  @IsString()
  platform: string;
}

export type LatencySource = 'measured' | 'predicted' | 'constant';

export class NodeLatencyDto {
  @ApiProperty()
  name: string;

  @ApiProperty()
  opType: string;

  @ApiProperty({ description: 'microseconds' })
  latencyUs: number;

  @ApiProperty({
    enum: ['measured', 'predicted', 'constant'],
    description: 'a measurement of this model, node and platform wins over a prediction; constant nodes are folded',
  })
  source: LatencySource;
}

export class PredictionDto {
  @ApiProperty()
  platform: string;

  @ApiProperty({ nullable: true, type: String, description: 'null when every node was measured or constant' })
  predictorId: string | null;

  @ApiProperty()
  totalMs: number;

  @ApiProperty({ type: [NodeLatencyDto], description: 'every node of the model, in topological order' })
  nodes: NodeLatencyDto[];
}
