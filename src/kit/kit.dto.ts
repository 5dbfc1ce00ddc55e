import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_KIT_MODELS = 1000;

export class KitQueryDto {
  @ApiPropertyOptional({
    default: 30,
    minimum: 1,
    maximum: MAX_KIT_MODELS,
    description: 'how many benchmark models (30 profile in a few minutes on one core)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_KIT_MODELS)
  models: number = 30;

  @ApiPropertyOptional({
    default: 1,
    minimum: 0,
    maximum: 4294967295,
    description: 'the same seed gives the same models, byte for byte',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(4294967295)
  seed: number = 1;
}
