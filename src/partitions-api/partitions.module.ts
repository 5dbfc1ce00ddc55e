import { Module } from '@nestjs/common';
import { PartitionsController } from './partitions.controller';
import { PartitionsService } from './partitions.service';

/** Plans as runnable pieces: the manifest and per-tier sub-models (pure work in partitions/). */
@Module({
  controllers: [PartitionsController],
  providers: [PartitionsService],
})
export class PartitionsModule {}
