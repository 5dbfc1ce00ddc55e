import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CreateNetworkDto } from '../networks/networks.dto';
import { GRAPH_OPTIMIZATIONS, GraphOptimization } from '../platforms/runtime';
import { GRAPH_OPTIMIZATION_PROPERTY } from '../predictions/predictions.dto';

const finite = { allowNaN: false, allowInfinity: false };

export class BandwidthRangeDto {
  @ApiPropertyOptional({ default: 1, description: '1-based link index (link k joins tier k-1 and tier k)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  link?: number;

  @ApiPropertyOptional({ default: 0.1 })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  fromMbps?: number;

  @ApiPropertyOptional({ default: 1000 })
  @IsOptional()
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
  @IsOptional()
  @ValidateNested()
  @Type(() => CreateNetworkDto)
  network?: CreateNetworkDto;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  networkId?: string;

  @ApiPropertyOptional({ enum: ['latency'], default: 'latency' })
  @IsOptional()
  @IsIn(['latency'])
  objective?: 'latency';

  @ApiPropertyOptional({ description: 'bytes of the model input as the end device sends it (e.g. a JPEG)' })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  inputBytes?: number;

  @ApiPropertyOptional({ enum: ['float32', 'float16', 'int8'], default: 'float32' })
  @IsOptional()
  @IsIn(['float32', 'float16', 'int8'])
  transferDtype?: 'float32' | 'float16' | 'int8';

  @ApiPropertyOptional({ type: [String], description: 'node names that must run on the end device (privacy)' })
  @IsOptional()
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
  @IsOptional()
  @ValidateNested()
  @Type(() => BandwidthRangeDto)
  bandwidth?: BandwidthRangeDto;
}
