import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { JOB_STATES, JobState } from './entities/job.entity';
import { Optional } from '../common/validation';

export class JobDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'profile', description: 'profile | train-predictor' })
  kind: string;

  @ApiProperty({ enum: JOB_STATES })
  state: JobState;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of the work done; 1 once succeeded' })
  progress: number;

  @ApiProperty({ nullable: true, type: String, description: 'Where the job is, in words ("run 12 of 23")' })
  message: string | null;

  @ApiProperty({ description: 'What was asked for' })
  params: Record<string, unknown>;

  @ApiProperty({ nullable: true, type: Object, description: 'Set once the job succeeded' })
  result: Record<string, unknown> | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why the job failed' })
  error: string | null;

  @ApiProperty({ description: 'Tries so far (a retry follows a lost worker or an unexpected error)' })
  attempts: number;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ nullable: true, type: Date })
  startedAt: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  finishedAt: Date | null;
}

export class JobPageDto {
  @ApiProperty({ type: [JobDto] })
  items: JobDto[];

  @ApiProperty()
  total: number;
}

/** The body of every 202 that starts a job; the Location header is GET /v1/jobs/{jobId}. */
export class JobAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  jobId: string;

  @ApiProperty({ type: JobDto })
  job: JobDto;
}

/** Every job kind a module registers (JobQueue.register); the list filter accepts these. */
export const JOB_KINDS = ['profile', 'train-predictor'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export class JobListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JOB_STATES, description: 'Only jobs in this state' })
  @Optional()
  @IsIn(JOB_STATES)
  state?: JobState;

  @ApiPropertyOptional({ enum: JOB_KINDS, description: 'Only jobs of this kind' })
  @Optional()
  @IsIn(JOB_KINDS)
  kind?: string;
}
