import { Module } from '@nestjs/common';
import { PlatformDirectory } from './platform-directory';

@Module({ providers: [PlatformDirectory], exports: [PlatformDirectory] })
export class PlatformDirectoryModule {}
