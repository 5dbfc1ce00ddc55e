import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { generateApiKey } from './api-key.codec';
import { AuthService } from './auth.service';

export const ADMIN_KEY_FILE = 'admin-key';

/**
 * The admin key is TIERSPLIT_ADMIN_KEY, or else the key in DATA_DIR/admin-key, or else a new one generated at
 * first boot, written there with mode 0600 and printed once.
 */
@Injectable()
export class AdminKeyBootstrap implements OnModuleInit {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.auth.installAdminKey(this.resolveAdminKey());
  }

  private resolveAdminKey(): string {
    if (this.config.TIERSPLIT_ADMIN_KEY) return this.config.TIERSPLIT_ADMIN_KEY;
    const file = join(resolve(this.config.DATA_DIR), ADMIN_KEY_FILE);
    if (existsSync(file)) {
      this.logger.log(`admin key: stored in ${file}`);
      return readFileSync(file, 'utf8').trim();
    }
    const key = generateApiKey();
    mkdirSync(resolve(this.config.DATA_DIR), { recursive: true });
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    // Never through the logger: logs are shipped and kept. Printed once, straight to an interactive terminal only;
    // a service manager or container captures stdout as its log, so there the file is the only copy.
    if (process.stdout.isTTY) {
      process.stdout.write(`\nAdmin API key (shown once, also saved to ${file}):\n  ${key}\n\n`);
    } else {
      this.logger.log(`admin key generated and saved to ${file} (not printed: stdout is not a terminal)`);
    }
    return key;
  }
}
