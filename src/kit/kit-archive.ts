/**
 * The profiling kit as a tar.gz stream: N generated models, their manifest (names, seeds, input shapes, sha256)
 * and the two runners. Models are generated one at a time as the client reads, so a kit of 1,000 models never
 * sits in memory; the manifest comes last because it carries each model's hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { pack as tarPack, Pack } from 'tar-stream';
import { findPackageRoot } from '../platforms/reference/reference-data';
import { generateModel, kitModelSeed } from './generator';

export const KIT_DIR = join(findPackageRoot(), 'data', 'kit');
/** Files of data/kit/ shipped at the kit's root. */
const KIT_FILES = ['profile.py', 'profile.mjs', 'README.md'];
const ROOT = 'tiersplit-kit';

export interface KitManifestModel {
  name: string;
  seed: number;
  sha256: string;
  inputShape: number[];
  blocks: string[];
  macs: number;
  params: number;
}

export interface KitManifest {
  format: 'tiersplit-kit';
  version: 1;
  seed: number;
  models: KitManifestModel[];
}

const entry = (p: Pack, name: string, body: Buffer | Uint8Array, mode = 0o644): Promise<void> =>
  new Promise((resolve, reject) =>
    // The callback fires once the reader has taken the bytes: awaiting it is the stream's backpressure.
    p.entry({ name: `${ROOT}/${name}`, mode, mtime: new Date(0) }, Buffer.from(body), (err) =>
      err ? reject(err) : resolve(),
    ),
  );

async function fill(p: Pack, count: number, seed: number): Promise<void> {
  for (const file of KIT_FILES) {
    await entry(p, file, readFileSync(join(KIT_DIR, file)), file.startsWith('profile') ? 0o755 : 0o644);
  }
  const models: KitManifestModel[] = [];
  for (let i = 0; i < count; i++) {
    const m = generateModel(kitModelSeed(seed, i));
    const sha256 = createHash('sha256').update(m.bytes).digest('hex');
    models.push({
      name: m.name,
      seed: m.seed,
      sha256,
      inputShape: m.inputShape,
      blocks: m.blocks,
      macs: m.macs,
      params: m.params,
    });
    await entry(p, `models/${m.name}.onnx`, m.bytes);
    // Generation is synchronous: give other requests their turn between models.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const manifest: KitManifest = { format: 'tiersplit-kit', version: 1, seed, models };
  await entry(p, 'manifest.json', Buffer.from(JSON.stringify(manifest, null, 1)));
  p.finalize();
}

/** A gzipped tar of the kit; the stream errors (and the response aborts) if a model cannot be generated. */
export function kitArchive(count: number, seed: number): Readable {
  const p = tarPack();
  const gzip = createGzip();
  p.pipe(gzip);
  fill(p, count, seed).catch((err: unknown) => {
    gzip.destroy(err instanceof Error ? err : new Error(String(err)));
    p.destroy();
  });
  return gzip;
}
