import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { LOCKS, withSessionLock } from './advisory-lock';
import { createDataSource } from './data-source';
import { EmbeddedPostgres } from './embedded-postgres';

const EMBEDDED = Symbol('EMBEDDED_POSTGRES');

/**
 * Starts the database (embedded unless DATABASE_URL is set), runs pending migrations under an advisory lock, then
 * exposes the DataSource.
 */
@Global()
@Module({
  providers: [
    {
      provide: EMBEDDED,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => (config.DATABASE_URL ? null : EmbeddedPostgres.start(config.DATA_DIR)),
    },
    {
      provide: DataSource,
      inject: [APP_CONFIG, EMBEDDED],
      useFactory: async (config: AppConfig, embedded: EmbeddedPostgres | null) => {
        const dataSource = createDataSource(config.DATABASE_URL ?? embedded!.url, embedded ? 1 : 10);
        await dataSource.initialize();
        // Instances booting at once on one server would each apply the same migrations: one at a time, and the
        // later ones find nothing left to do. The embedded database belongs to this process alone.
        const migrate = () => dataSource.runMigrations({ transaction: 'each' });
        const applied = embedded ? await migrate() : await withSessionLock(dataSource, LOCKS.migrations, migrate);
        if (applied.length > 0) {
          new Logger('Database').log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
        }
        return dataSource;
      },
    },
  ],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EMBEDDED) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}
