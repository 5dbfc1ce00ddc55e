import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The shared reference data beside the checkout (`../shared/data`). */
export const SHARED_DATA = join(__dirname, '..', '..', '..', 'shared', 'data');

export function onnxFiles(...dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(join(SHARED_DATA, dir))
      .filter((f) => f.endsWith('.onnx'))
      .sort()
      .map((f) => join(SHARED_DATA, dir, f)),
  );
}
