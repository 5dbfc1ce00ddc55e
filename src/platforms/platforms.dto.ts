import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsArray,
  IsInt,
  IsNotIn,
  Min,
  IsNumber,
  IsPositive,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { INT32_MAX, Optional } from '../common/validation';
import { PLATFORM_KINDS, PlatformKind } from './entities/platform.entity';
import { GRAPH_OPTIMIZATIONS, GraphOptimization, Runtime, RUNTIMES } from './runtime';
import { MAX_SCALE, MIN_SCALE, RESERVED_PLATFORM_SLUGS } from './platform-limits';

/** A node slower than 1000 s is a unit mistake, not a measurement; the cap keeps every sum finite. */
const MAX_NODE_US = 1e9;
/** A whole model slower than a day is a unit mistake; calibration fits a scale from these. */
const MAX_MODEL_MS = 86_400_000;

export class CalibrationPointDto {
  @ApiProperty({ format: 'uuid', description: 'a model the tenant uploaded (or a reference model)' })
  @IsUUID()
  modelId: string;

  @ApiProperty({
    example: 41.2,
    maximum: MAX_MODEL_MS,
    description: 'whole-model latency measured on the real device, ms (> 0)',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(MAX_MODEL_MS)
  totalMs: number;
}

export class CreatePlatformDto {
  @ApiProperty({ example: 'pixel-7', description: 'unique per tenant; names the platform everywhere in the API' })
  @Matches(/^(?!ref-)[a-z0-9][a-z0-9-]{0,62}$/, {
    message: "slug must be 1-63 lowercase letters, digits or '-', and not start with the reserved 'ref-'",
  })
  @IsNotIn(RESERVED_PLATFORM_SLUGS, {
    message: `slug must not be one of ${RESERVED_PLATFORM_SLUGS.join(', ')}: those name routes under /v1/platforms`,
  })
  slug: string;

  @ApiProperty({ example: 'Pixel 7 (Tensor G2, CPU)' })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: PLATFORM_KINDS, description: "defaults to the base platform's kind when derivedFrom is given" })
  @ValidateIf((o: CreatePlatformDto) => o.derivedFrom === undefined || o.kind !== undefined)
  @IsIn(PLATFORM_KINDS)
  kind: PlatformKind;

  @ApiPropertyOptional({ default: '' })
  @Optional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({
    example: 'ref-cpu1',
    description: "a derived platform predicts `scale` × this platform's latencies",
  })
  @ValidateIf((o: CreatePlatformDto) => o.derivedFrom !== undefined || o.scale !== undefined)
  @IsString({ message: 'derivedFrom (the base platform slug) is required with scale' })
  derivedFrom?: string;

  @ApiPropertyOptional({
    example: 4.5,
    minimum: MIN_SCALE,
    maximum: MAX_SCALE,
    description: 'with derivedFrom: latency multiplier',
  })
  @ValidateIf(
    (o: CreatePlatformDto) => o.scale !== undefined || (o.derivedFrom !== undefined && o.calibration === undefined),
  )
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'scale must be a finite number; give it with derivedFrom' },
  )
  @Min(MIN_SCALE)
  @Max(MAX_SCALE)
  scale?: number;

  @ApiPropertyOptional({
    type: [CalibrationPointDto],
    description: 'with derivedFrom, instead of scale: fit the scale to whole-model latencies measured on the device',
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CalibrationPointDto)
  calibration?: CalibrationPointDto[];

  @ApiPropertyOptional({
    enum: RUNTIMES,
    default: 'onnxruntime',
    description: "the runtime its latencies describe; a derived platform's is its base's",
  })
  @Optional()
  @IsIn(RUNTIMES)
  runtime?: Runtime;

  @ApiPropertyOptional({
    enum: GRAPH_OPTIMIZATIONS,
    description:
      'onnxruntime only: the mode it answers for by default (`all` for a CPU, `disabled` otherwise); ' +
      "a derived platform's is its base's",
  })
  @Optional()
  @IsIn(GRAPH_OPTIMIZATIONS)
  defaultGraphOptimization?: GraphOptimization;
}

export class CalibrationFitDto {
  @ApiProperty({ description: 'the fitted scale: geometric mean of measured / base-predicted totals' })
  scale: number;

  @ApiProperty({ description: 'root mean square of the log misfits (0.1 ≈ ±10%)' })
  residualLog: number;

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: '{modelId, measuredMs, baseMs} per point' })
  points: { modelId: string; measuredMs: number; baseMs: number }[];
}

export class PlatformDto {
  @ApiProperty({ example: 'ref-cpu1' })
  slug: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: PLATFORM_KINDS })
  kind: PlatformKind;

  @ApiProperty()
  description: string;

  @ApiProperty({ description: 'reference platforms are shared by every tenant and read-only' })
  reference: boolean;

  @ApiPropertyOptional({ description: 'slug of the base platform of a derived platform' })
  derivedFrom?: string;

  @ApiPropertyOptional({ description: "a derived platform's latencies are the base platform's × scale" })
  scale?: number;

  @ApiPropertyOptional({ type: CalibrationFitDto })
  calibration?: CalibrationFitDto;

  @ApiProperty({ example: 'onnxruntime', description: 'the runtime its latencies describe' })
  runtime: string;

  @ApiProperty({
    enum: GRAPH_OPTIMIZATIONS,
    nullable: true,
    description:
      'the mode predictions and plans answer for when the request names none; null for a runtime without ' +
      'graph optimisation modes (PyTorch eager)',
  })
  defaultGraphOptimization: GraphOptimization | null;

  @ApiProperty({
    enum: GRAPH_OPTIMIZATIONS,
    isArray: true,
    description: 'the modes it has a latency model for (a request may name any of them); empty without modes',
  })
  graphOptimizations: GraphOptimization[];

  @ApiProperty()
  createdAt: Date;
}

export class PlatformPageDto {
  @ApiProperty({ type: [PlatformDto] })
  items: PlatformDto[];

  @ApiProperty()
  total: number;
}

export class NodeMeasurementDto {
  @ApiProperty({
    example: '/features/features.0/Conv',
    description: 'node name as GET /v1/models/{id}/layers gives it',
  })
  @IsString()
  node: string;

  @ApiProperty({ example: 1794, maximum: MAX_NODE_US, description: 'median latency in microseconds (> 0)' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(MAX_NODE_US)
  medianUs: number;

  @ApiPropertyOptional({ maximum: MAX_NODE_US })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(MAX_NODE_US)
  p10Us?: number;

  @ApiPropertyOptional({ maximum: MAX_NODE_US })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(MAX_NODE_US)
  p90Us?: number;

  @ApiPropertyOptional({ maximum: INT32_MAX })
  @Optional()
  @IsInt()
  @IsPositive()
  @Max(INT32_MAX)
  runs?: number;
}

export class CreateMeasurementsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  modelId: string;

  @ApiProperty({ type: [NodeMeasurementDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  @Type(() => NodeMeasurementDto)
  nodes: NodeMeasurementDto[];
}

export class MeasurementDto {
  @ApiProperty({ format: 'uuid' })
  modelId: string;

  @ApiProperty()
  node: string;

  @ApiProperty()
  nodeIndex: number;

  @ApiProperty()
  medianUs: number;

  @ApiProperty({ nullable: true, type: Number })
  p10Us: number | null;

  @ApiProperty({ nullable: true, type: Number })
  p90Us: number | null;

  @ApiProperty({ nullable: true, type: Number })
  runs: number | null;

  @ApiProperty({ enum: ['upload', 'trace', 'reference', 'self-profile'] })
  source: string;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The job that measured it (self-profile)' })
  jobId: string | null;
}

export class MeasurementPageDto {
  @ApiProperty({ type: [MeasurementDto] })
  items: MeasurementDto[];

  @ApiProperty()
  total: number;
}

export class MeasurementsWrittenDto {
  @ApiProperty({ description: 'nodes measured (new or replaced)' })
  written: number;

  @ApiPropertyOptional({ description: 'for traces: profiled runs, and those kept after dropping the warm-up' })
  runsTotal?: number;

  @ApiPropertyOptional()
  runsUsed?: number;
}

export class MeasurementsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only this model' })
  @Optional()
  @IsUUID()
  modelId?: string;
}
