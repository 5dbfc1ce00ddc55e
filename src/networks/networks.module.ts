import { Module } from '@nestjs/common';
import { PlatformDirectoryModule } from '../platforms/platform-directory.module';
import { NetworksController } from './networks.controller';
import { NetworksService } from './networks.service';

@Module({
  imports: [PlatformDirectoryModule],
  controllers: [NetworksController],
  providers: [NetworksService],
  exports: [NetworksService],
})
export class NetworksModule {}
