import { ApiProperty } from '@nestjs/swagger';

const DIM_SCHEMA = { oneOf: [{ type: 'integer' }, { type: 'string' }], nullable: true };
const ENCODINGS = ['float32', 'float16', 'int8', 'none'];

export class WireTensorDto {
  @ApiProperty({ example: '/features/features.2/MaxPool_output_0::uint8' })
  name: string;

  @ApiProperty({ example: 'uint8' })
  dtype: string;

  @ApiProperty({ type: 'array', items: DIM_SCHEMA, nullable: true })
  shape: (number | string | null)[] | null;
}

export class PartitionInputDto {
  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ['model-input', 'tier'], description: 'a model input, or a tensor sent by an earlier tier' })
  source: 'model-input' | 'tier';

  @ApiProperty({ nullable: true, type: String, description: 'the tier that sends it (null for a model input)' })
  fromTier: string | null;

  @ApiProperty({ type: 'array', items: DIM_SCHEMA, nullable: true })
  shape: (number | string | null)[] | null;

  @ApiProperty({ example: 'float32' })
  dtype: string;

  @ApiProperty({ description: 'bytes on each link it crosses, as the plan prices them' })
  bytes: number;

  @ApiProperty({ type: [String], description: 'the links it crosses to get here (none for the end device)' })
  links: string[];

  @ApiProperty({ enum: ENCODINGS, description: 'how it travels; none: in its own type' })
  encoding: string;

  @ApiProperty({ type: [WireTensorDto], description: "the sub-model's graph inputs that carry it" })
  wire: WireTensorDto[];
}

export class PartitionOutputDto {
  @ApiProperty()
  name: string;

  @ApiProperty({ type: 'array', items: DIM_SCHEMA, nullable: true })
  shape: (number | string | null)[] | null;

  @ApiProperty({ example: 'float32' })
  dtype: string;

  @ApiProperty({ description: 'bytes on each link it crosses' })
  bytes: number;

  @ApiProperty({ type: [String], description: 'the later tiers that consume it' })
  consumers: string[];

  @ApiProperty()
  isModelOutput: boolean;

  @ApiProperty({ description: 'a model output made past the end device: it travels back there' })
  returnsToEnd: boolean;

  @ApiProperty({ enum: ENCODINGS })
  encoding: string;

  @ApiProperty({ type: [WireTensorDto], description: "the sub-model's graph outputs that carry it" })
  wire: WireTensorDto[];
}

export class PartitionTierDto {
  @ApiProperty({ example: 'edge' })
  tier: string;

  @ApiProperty()
  index: number;

  @ApiProperty({ example: 'ref-cpu16' })
  platform: string;

  @ApiProperty({ type: [String], description: "the plan's nodes of this tier, in topological order" })
  nodes: string[];

  @ApiProperty({ type: [String], description: 'constant nodes of other tiers that this one needs too (copied)' })
  copiedConstants: string[];

  @ApiProperty({ type: [PartitionInputDto] })
  inputs: PartitionInputDto[];

  @ApiProperty({ type: [PartitionOutputDto] })
  outputs: PartitionOutputDto[];

  @ApiProperty({ nullable: true, type: String, example: '/v1/plans/…/partitions/edge.onnx' })
  subModel: string | null;
}

export class PartitionLinkDto {
  @ApiProperty({ example: 'end-edge' })
  link: string;

  @ApiProperty({ description: "equals the plan's transfer bytes on this link" })
  bytes: number;

  @ApiProperty({ type: [String] })
  tensors: string[];
}

export class PartitionFileDto {
  @ApiProperty({ example: 'resnet18.onnx', description: 'put the sub-models beside a file of this name' })
  name: string;

  @ApiProperty()
  bytes: number;

  @ApiProperty({ nullable: true, type: String })
  fingerprint: string | null;
}

export class PartitionManifestDto {
  @ApiProperty({ format: 'uuid' })
  planId: string;

  @ApiProperty({ format: 'uuid' })
  modelId: string;

  @ApiProperty({ enum: ['float32', 'float16', 'int8'] })
  transferDtype: string;

  @ApiProperty({ type: PartitionFileDto, description: 'the uploaded file the sub-models take their weights from' })
  file: PartitionFileDto;

  @ApiProperty({ type: [PartitionTierDto] })
  tiers: PartitionTierDto[];

  @ApiProperty({ type: [PartitionLinkDto], description: 'per used uplink, what crosses it' })
  links: PartitionLinkDto[];
}
