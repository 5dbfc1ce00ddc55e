import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const DATA = join(__dirname, '..', '..', 'data');

/**
 * Where each fixture folder lives inside the repository: the reference graphs, generated models and traces ship in
 * `data/reference/` (the product seeds from them); the weighted models and third-party files only tests and
 * benches use, in `data/fixtures/`. Nothing is read from outside the checkout, so a bare clone tests itself.
 */
const FIXTURE_DIRS = {
  graphs: join(DATA, 'reference', 'graphs'),
  generated: join(DATA, 'reference', 'generated'),
  traces: join(DATA, 'reference', 'traces'),
  models: join(DATA, 'fixtures', 'models'),
  third_party: join(DATA, 'fixtures', 'third_party'),
} as const;

export type FixtureDir = keyof typeof FIXTURE_DIRS;

function isFixtureDir(dir: string): dir is FixtureDir {
  return Object.prototype.hasOwnProperty.call(FIXTURE_DIRS, dir);
}

/** Absolute path of a fixture folder, or of one file inside it. */
export function fixturePath(dir: string, file?: string): string {
  if (!isFixtureDir(dir)) throw new Error(`no fixture folder '${dir}' (have ${Object.keys(FIXTURE_DIRS).join(', ')})`);
  return file === undefined ? FIXTURE_DIRS[dir] : join(FIXTURE_DIRS[dir], file);
}

/** Absolute path of `folder/file.onnx`, the form the specs name their fixtures in. */
export function fixtureFile(relative: string): string {
  const slash = relative.indexOf('/');
  return fixturePath(relative.slice(0, slash), relative.slice(slash + 1));
}

export function onnxFiles(...dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(fixturePath(dir))
      .filter((f) => f.endsWith('.onnx'))
      .sort()
      .map((f) => fixturePath(dir, f)),
  );
}
