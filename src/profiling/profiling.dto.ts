import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { Optional } from '../common/validation';

export const MAX_PROFILE_RUNS = 1000;
export const MAX_PROFILE_THREADS = 256;

export class ProfileRequestDto {
  @ApiProperty({ format: 'uuid', description: "One of the tenant's models or a reference model" })
  @IsUUID()
  modelId: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: MAX_PROFILE_RUNS, description: 'Measured runs' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_PROFILE_RUNS)
  runs: number = 20;

  @ApiPropertyOptional({ default: 3, minimum: 0, maximum: 100, description: 'Runs before the measured ones' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(100)
  warmup: number = 3;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PROFILE_THREADS,
    description: 'ONNX Runtime intra-op threads (default: the available parallelism of the worker that runs it)',
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_PROFILE_THREADS)
  threads?: number;
}

export class HostInfoDto {
  @ApiProperty()
  hostname: string;

  @ApiProperty({ example: 'Intel(R) Xeon(R) Platinum 8480+' })
  cpuModel: string;

  @ApiProperty()
  logicalCpus: number;

  @ApiProperty({ description: 'CPUs this process may use; the default profiling thread count' })
  availableParallelism: number;

  @ApiProperty()
  memoryBytes: number;

  @ApiProperty({ example: 'linux 6.1.0' })
  os: string;

  @ApiProperty({ example: 'x64' })
  arch: string;

  @ApiProperty({ example: 'v20.20.2' })
  node: string;

  @ApiProperty({ example: '1.30.0' })
  onnxruntime: string;
}
