import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const DIM_SCHEMA = { oneOf: [{ type: 'integer' }, { type: 'string' }], nullable: true };

export class TensorInfoDto {
  @ApiProperty({ example: 'input' })
  name: string;

  @ApiProperty({ example: 1, description: 'ONNX TensorProto.DataType (1 = float32)' })
  elemType: number;

  @ApiProperty({ type: 'array', items: DIM_SCHEMA, nullable: true, example: [1, 3, 224, 224] })
  shape: (number | string | null)[] | null;
}

export class ModelDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'resnet18' })
  name: string;

  @ApiProperty({ example: 49 })
  nodeCount: number;

  @ApiProperty({ type: [TensorInfoDto] })
  inputs: TensorInfoDto[];

  @ApiProperty({ type: [TensorInfoDto] })
  outputs: TensorInfoDto[];

  @ApiProperty({ example: 1814073344, description: 'multiply-accumulates of one inference' })
  totalMacs: number;

  @ApiProperty({ example: 11689512 })
  params: number;

  @ApiProperty({ description: 'false when initializers reference external data that was not uploaded' })
  weightsIncluded: boolean;

  @ApiProperty({ description: 'true when every non-constant node feeds only the next one' })
  isChain: boolean;

  @ApiProperty({ type: [String], description: 'op types without a shape/MAC rule (MACs fall back to output elements)' })
  unsupportedOps: string[];

  @ApiProperty({
    example: 0,
    description:
      'node outputs whose shape stays unknown (e.g. symbolic input dims: upload again with inputShapes); their MACs and bytes count as 0',
  })
  unresolvedTensors: number;

  @ApiProperty({ example: 17 })
  opset: number;

  @ApiProperty({ example: 'pytorch' })
  producer: string;

  @ApiProperty({ example: 16022 })
  fileBytes: number;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'resnet18.onnx',
    description: 'the uploaded file name: sub-models reference their weights in a file of this name',
  })
  fileName: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'sha256 of the graph without weight bytes (nodes, attributes, shapes, initializer dims and types)',
  })
  fingerprint: string | null;

  @ApiProperty()
  createdAt: Date;
}

export class ModelPageDto {
  @ApiProperty({ type: [ModelDto] })
  items: ModelDto[];

  @ApiProperty()
  total: number;
}

export class LayerOutputDto {
  @ApiProperty()
  name: string;

  @ApiProperty({ type: 'array', items: DIM_SCHEMA, nullable: true })
  shape: (number | string | null)[] | null;

  @ApiProperty({ nullable: true, type: Number, description: 'elements × element size; null when the shape is unknown' })
  bytes: number | null;
}

export class LayerDto {
  @ApiProperty({ description: 'position in topological order' })
  index: number;

  @ApiProperty({ example: '/conv1/Conv' })
  name: string;

  @ApiProperty({ example: 'Conv' })
  opType: string;

  @ApiProperty({ type: [String], description: 'input tensor names' })
  inputs: string[];

  @ApiProperty({ type: 'array', items: { type: 'array', items: DIM_SCHEMA, nullable: true } })
  inputShapes: ((number | string | null)[] | null)[];

  @ApiProperty({ type: [LayerOutputDto] })
  outputs: LayerOutputDto[];

  @ApiProperty()
  macs: number;

  @ApiProperty()
  params: number;

  @ApiProperty()
  inBytes: number;

  @ApiProperty()
  outBytes: number;

  @ApiProperty({ description: 'folded at deployment: 0 µs, no bytes moved' })
  isConstant: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  attributes: Record<string, unknown>;
}

export class LayerListDto {
  @ApiProperty({ type: [LayerDto] })
  items: LayerDto[];
}
