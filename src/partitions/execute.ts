/**
 * Runs a plan's sub-models in tier order as the manifest wires them: each tier gets the model inputs and the
 * wire tensors earlier tiers sent it, and the model outputs are collected, decoded where they travelled encoded
 * (float16 halves back to floats, int8 dequantised), so they compare with the whole model's. The CLI's verify,
 * the proof-by-running tests and bench/execute all go through here.
 */
import * as ort from 'onnxruntime-node';
import type { Manifest, ManifestOutput } from './types';

export type Feeds = Record<string, ort.Tensor>;

/** Per tier (manifest order) a session, or null for a tier that runs no nodes. */
export type TierSessions = (ort.InferenceSession | null)[];

const halfToFloat = (h: number): number => {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
};

/** A tensor that travelled encoded, back to float32 as the receiving side's Cast / DequantizeLinear does. */
export function decodeWire(output: ManifestOutput, pieces: ort.Tensor[]): ort.Tensor {
  const [first] = pieces;
  if (output.encoding === 'float16') {
    const halves = first.data as Uint16Array;
    return new ort.Tensor('float32', Float32Array.from(halves, halfToFloat), first.dims);
  }
  if (output.encoding === 'int8') {
    const q = first.data as Uint8Array;
    const scale = (pieces[1].data as Float32Array)[0];
    const zero = (pieces[2].data as Uint8Array)[0];
    return new ort.Tensor(
      'float32',
      Float32Array.from(q, (v) => (v - zero) * scale),
      first.dims,
    );
  }
  return first;
}

/** Runs every tier in order; answers the model outputs by name, decoded. */
export async function runTiers(manifest: Manifest, sessions: TierSessions, inputs: Feeds): Promise<Feeds> {
  const wire: Feeds = { ...inputs };
  const outputs: Feeds = {};
  for (const tier of manifest.tiers) {
    const session = sessions[tier.index];
    if (!session) continue;
    const feeds: Feeds = {};
    for (const input of tier.inputs) {
      for (const w of input.wire) {
        const t = wire[w.name];
        if (!t) throw new Error(`tier '${tier.tier}' needs '${w.name}', which no earlier tier sent`);
        feeds[w.name] = t;
      }
    }
    const result = await session.run(feeds);
    for (const output of tier.outputs) {
      for (const w of output.wire) wire[w.name] = result[w.name];
      if (!output.isModelOutput) continue;
      const raw = output.wire[0].name === output.name;
      outputs[output.name] = raw
        ? result[output.name]
        : decodeWire(
            output,
            output.wire.map((w) => result[w.name]),
          );
    }
  }
  return outputs;
}
