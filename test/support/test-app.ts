/**
 * Starts the real app for e2e specs: against DATABASE_URL when the environment sets it (CI's second pass, a
 * real PostgreSQL server), else the embedded database in a fresh temporary DATA_DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { AuthService } from '../../src/auth/auth.service';
import { AppConfig, loadConfig } from '../../src/config/env.schema';
import { generateApiKey } from '../../src/auth/api-key.codec';

export interface TestApp {
  app: INestApplication;
  server: Server;
  config: AppConfig;
  adminKey: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-test-'));
  const adminKey = generateApiKey();
  const config: AppConfig = {
    ...loadConfig({ DATABASE_URL: process.env.DATABASE_URL }),
    DATA_DIR: dataDir,
    TIERSPLIT_ADMIN_KEY: adminKey,
    LOG_LEVEL: 'error',
    // Seeding the reference data takes seconds; the specs about it turn it on.
    SEED_REFERENCE: false,
    ...overrides,
  };
  const app = await createApp(config);
  await app.init();
  return {
    app,
    server: app.getHttpServer() as Server,
    config,
    adminKey,
    dataSource: app.get(DataSource),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let tenantSeq = 0;

/** Factory: a fresh tenant with its own key (unique per run, so suites sharing one server database don't collide). */
export async function createTenantKey(
  t: TestApp,
  prefix = 'tenant',
): Promise<{ tenant: string; key: string; id: string }> {
  const tenant = `${prefix}-${process.pid}-${Date.now().toString(36)}-${tenantSeq++}`;
  const created = await t.app.get(AuthService).createKey(tenant);
  return { tenant, key: created.key, id: created.id };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

export function api(t: TestApp) {
  return request(t.server);
}
