import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApi, createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/env.schema';

/** Writes openapi/openapi.json from the code, without a database (Nest preview mode instantiates no provider). */
async function main(): Promise<void> {
  const app = await createApp({ ...loadConfig({}), LOG_LEVEL: 'error' }, { preview: true });
  const document = buildOpenApi(app);
  const dir = join(__dirname, '..', '..', 'openapi');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
