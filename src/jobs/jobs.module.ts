import { Module } from '@nestjs/common';
import { JobQueue } from './job-queue';
import { JobRunner } from './job-runner';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

/** The queue, the runner and the jobs API. Modules with long operations import it and register a handler. */
@Module({
  controllers: [JobsController],
  providers: [JobQueue, JobRunner, JobsService],
  exports: [JobQueue, JobsService],
})
export class JobsModule {}
