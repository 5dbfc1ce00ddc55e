import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { CreateNetworkDto, MAX_TIERS } from '../networks/networks.dto';
import { NestedObject, Optional } from '../common/validation';
import { GRAPH_OPTIMIZATIONS, GraphOptimization } from '../platforms/runtime';
import { GRAPH_OPTIMIZATION_PROPERTY } from '../predictions/predictions.dto';

const finite = { allowNaN: false, allowInfinity: false };
/** A terabyte: far beyond any model input a device sends, and small enough that transfer times stay finite. */
const MAX_INPUT_BYTES = 1e12;

export class BandwidthRangeDto {
  @ApiPropertyOptional({ default: 1, description: '1-based link index (link k joins tier k-1 and tier k)' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_TIERS - 1)
  link?: number;

  @ApiPropertyOptional({ default: 0.1 })
  @Optional()
  @IsNumber(finite)
  @IsPositive()
  @Max(1e6)
  fromMbps?: number;

  @ApiPropertyOptional({ default: 1000 })
  @Optional()
  @IsNumber(finite)
  @IsPositive()
  @Max(1e6)
  toMbps?: number;
}

export class CreatePlanDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  modelId: string;

  @ApiPropertyOptional({ type: CreateNetworkDto, description: 'the network inline (or give networkId)' })
  @Optional()
  @NestedObject(() => CreateNetworkDto)
  network?: CreateNetworkDto;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  networkId?: string;

  @ApiPropertyOptional({ enum: ['latency'], default: 'latency' })
  @Optional()
  @IsIn(['latency'])
  objective?: 'latency';

  @ApiPropertyOptional({
    maximum: MAX_INPUT_BYTES,
    description: 'bytes of the model input as the end device sends it (e.g. a JPEG)',
  })
  @Optional()
  @IsNumber(finite)
  @IsPositive()
  @Max(MAX_INPUT_BYTES)
  inputBytes?: number;

  @ApiPropertyOptional({ enum: ['float32', 'float16', 'int8'], default: 'float32' })
  @Optional()
  @IsIn(['float32', 'float16', 'int8'])
  transferDtype?: 'float32' | 'float16' | 'int8';

  @ApiPropertyOptional({ type: [String], description: 'node names that must run on the end device (privacy)' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100_000)
  @IsString({ each: true })
  pinToEnd?: string[];

  @ApiPropertyOptional({
    ...GRAPH_OPTIMIZATION_PROPERTY,
    description: `${GRAPH_OPTIMIZATION_PROPERTY.description} It applies to every tier whose runtime has modes.`,
  })
  @ValidateIf((o: { graphOptimization?: unknown }) => o.graphOptimization !== undefined) // null is not absent
  @IsIn(GRAPH_OPTIMIZATIONS, { message: `graphOptimization must be one of: ${GRAPH_OPTIMIZATIONS.join(', ')}` })
  graphOptimization?: GraphOptimization;

  @ApiPropertyOptional({ type: BandwidthRangeDto, description: 'which link and range bandwidthRegions covers' })
  @Optional()
  @NestedObject(() => BandwidthRangeDto)
  bandwidth?: BandwidthRangeDto;
}
