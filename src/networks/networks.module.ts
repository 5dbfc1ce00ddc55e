import { Module } from '@nestjs/common';
import { PlatformsModule } from '../platforms/platforms.module';
import { NetworksController } from './networks.controller';
import { NetworksService } from './networks.service';

@Module({
  imports: [PlatformsModule],
  controllers: [NetworksController],
  providers: [NetworksService],
  exports: [NetworksService],
})
export class NetworksModule {}
