import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { INT32_MAX, Optional } from './validation';

export const MAX_PAGE_SIZE = 1000;

/** `?limit=&offset=` of every list endpoint (DESIGN.md "Lists"). */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: MAX_PAGE_SIZE })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 100;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: INT32_MAX })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INT32_MAX)
  offset: number = 0;
}

export interface Page<T> {
  items: T[];
  total: number;
}
