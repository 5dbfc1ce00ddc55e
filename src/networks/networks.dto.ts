import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsIn, IsNumber, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { LINK_PRESET_NAMES, LinkPreset } from './presets';
import { NestedArray, Optional } from '../common/validation';

export const MAX_TIERS = 8;

export class TierDto {
  @ApiProperty({ example: 'end' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, { message: 'tier name must be 1-32 letters, digits, _ or -' })
  name: string;

  @ApiProperty({ example: 'ref-cpu1', description: 'platform slug' })
  @IsString()
  platform: string;
}

const finite = { allowNaN: false, allowInfinity: false };
const needsFigures = (o: LinkDto) => o.preset === undefined;

export class LinkDto {
  @ApiPropertyOptional({ enum: LINK_PRESET_NAMES, description: 'use a preset instead of figures' })
  @Optional()
  @IsIn(LINK_PRESET_NAMES)
  preset?: LinkPreset;

  @ApiPropertyOptional({ example: 18.88, description: 'towards the later tier, Mbps (> 0)' })
  @ValidateIf(needsFigures)
  @IsNumber(finite)
  @Min(1e-6, { message: 'uplinkMbps must be > 0' })
  @Max(1e6)
  uplinkMbps?: number;

  @ApiPropertyOptional({ example: 54, description: 'back towards the end device, Mbps (> 0)' })
  @ValidateIf(needsFigures)
  @IsNumber(finite)
  @Min(1e-6, { message: 'downlinkMbps must be > 0' })
  @Max(1e6)
  downlinkMbps?: number;

  @ApiPropertyOptional({ example: 10, description: 'round-trip time, ms (>= 0)' })
  @ValidateIf(needsFigures)
  @IsNumber(finite)
  @Min(0)
  @Max(1e6)
  rttMs?: number;
}

export class CreateNetworkDto {
  @ApiPropertyOptional({ example: 'phone-wifi-edge-cloud' })
  @Optional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({ type: [TierDto], description: `1 to ${MAX_TIERS} tiers, the end device first` })
  @ArrayMinSize(1)
  @NestedArray(() => TierDto, MAX_TIERS)
  tiers: TierDto[];

  @ApiProperty({ type: [LinkDto], description: 'one link between each pair of neighbouring tiers (tiers − 1)' })
  @NestedArray(() => LinkDto, MAX_TIERS - 1)
  links: LinkDto[];
}

export class ResolvedLinkDto {
  @ApiProperty()
  uplinkMbps: number;

  @ApiProperty()
  downlinkMbps: number;

  @ApiProperty()
  rttMs: number;

  @ApiPropertyOptional({ enum: LINK_PRESET_NAMES })
  preset?: LinkPreset;
}

export class NetworkDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: [TierDto] })
  tiers: TierDto[];

  @ApiProperty({ type: [ResolvedLinkDto] })
  links: ResolvedLinkDto[];

  @ApiProperty()
  createdAt: Date;
}

export class NetworkPageDto {
  @ApiProperty({ type: [NetworkDto] })
  items: NetworkDto[];

  @ApiProperty()
  total: number;
}

export class NetworkPresetDto {
  @ApiProperty({ enum: LINK_PRESET_NAMES })
  name: LinkPreset;

  @ApiProperty()
  uplinkMbps: number;

  @ApiProperty()
  downlinkMbps: number;

  @ApiProperty()
  rttMs: number;
}
