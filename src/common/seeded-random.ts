/**
 * mulberry32: a tiny seeded PRNG giving the same [0, 1) sequence on every machine. Training (initial weights,
 * batch order), synthesised weights, random test graphs and benches all use it, so their results reproduce.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
