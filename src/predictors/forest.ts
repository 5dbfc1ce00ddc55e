/**
 * A seeded random forest regressor (CART trees on bootstrap samples, a random subset of features per split), for
 * the nn-Meter-style baseline. Written here rather than taken from ml-random-forest: that package's CART re-sorts
 * every candidate threshold with quadratic work per split and took 28 s per fit on 3,000 rows, so the baseline's
 * leave-one-model-out alone broke the 2-minute training budget; this one sorts each feature once per node
 * (O(n log n · features · depth)) and fits the same rows in tens of milliseconds.
 */
import { seededRandom } from '../common/seeded-random';

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  minLeaf: number;
  /** Share of the features tried at each split. */
  maxFeatures: number;
  seed: number;
}

/**
 * Tuned on the leave-one-model-out bench (issue 4) so the baseline is not weakened: 10 trees of depth 10 with
 * 3-row leaves left ref-cpu1 at 36% time-weighted error; 30 trees of depth 15 with 1-row leaves (what
 * ml-random-forest's CART allowed) 26%. More trees (50–100) or all features per split did not help further.
 */
export const DEFAULT_FOREST_OPTIONS: ForestOptions = { trees: 30, maxDepth: 15, minLeaf: 1, maxFeatures: 0.8, seed: 7 };

/** A tree as flat arrays: feature < 0 marks a leaf whose value is `value`. */
interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

function growTree(x: number[][], y: number[], sorted: number[][], o: ForestOptions, rand: () => number): Tree {
  const t: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const width = x[0]?.length ?? 0;
  const tried = Math.max(1, Math.round(width * o.maxFeatures));
  const goesLeft = new Uint8Array(x.length);
  // Each node keeps its rows sorted by every feature; a split partitions those lists stably, so nothing is
  // sorted again below the root.
  const grow = (byFeature: number[][], depth: number): number => {
    const idx = byFeature[0];
    const id = t.feature.length;
    const total = idx.reduce((s, i) => s + y[i], 0);
    t.feature.push(-1);
    t.threshold.push(0);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(total / idx.length);
    if (depth >= o.maxDepth || idx.length < 2 * o.minLeaf) return id;
    // Features to try: a seeded partial Fisher–Yates draw.
    const features = Array.from({ length: width }, (_, j) => j);
    for (let k = 0; k < tried; k++) {
      const j = k + Math.floor(rand() * (width - k));
      [features[k], features[j]] = [features[j], features[k]];
    }
    let best = { gain: 1e-12, feature: -1, threshold: 0 };
    for (const f of features.slice(0, tried)) {
      const sorted = byFeature[f];
      let leftSum = 0;
      for (let k = 0; k < sorted.length - 1; k++) {
        leftSum += y[sorted[k]];
        const nl = k + 1;
        const nr = sorted.length - nl;
        const v = x[sorted[k]][f];
        const next = x[sorted[k + 1]][f];
        if (nl < o.minLeaf || nr < o.minLeaf || v === next) continue;
        // SSE reduction = Σl²/nl + Σr²/nr − Σ²/n (the Σy² terms cancel).
        const rs = total - leftSum;
        const gain = (leftSum * leftSum) / nl + (rs * rs) / nr - (total * total) / sorted.length;
        if (gain > best.gain) best = { gain, feature: f, threshold: (v + next) / 2 };
      }
    }
    if (best.feature < 0) return id;
    for (const i of idx) goesLeft[i] = x[i][best.feature] <= best.threshold ? 1 : 0;
    const left = byFeature.map((list) => list.filter((i) => goesLeft[i] === 1));
    const right = byFeature.map((list) => list.filter((i) => goesLeft[i] === 0));
    t.feature[id] = best.feature;
    t.threshold[id] = best.threshold;
    t.left[id] = grow(left, depth + 1);
    t.right[id] = grow(right, depth + 1);
    return id;
  };
  grow(sorted, 0);
  return t;
}

export interface Forest {
  predict(row: number[]): number;
}

export function trainForest(x: number[][], y: number[], options: ForestOptions = DEFAULT_FOREST_OPTIONS): Forest {
  const rand = seededRandom(options.seed);
  const width = x[0]?.length ?? 0;
  // Rows sorted by each feature once per forest; a tree's bootstrap sample keeps that order (each row repeated
  // as often as it was drawn), so no tree sorts.
  const order = Array.from({ length: width }, (_, f) =>
    Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a][f] - x[b][f] || a - b),
  );
  const trees = Array.from({ length: options.trees }, () => {
    const drawn = new Uint32Array(x.length);
    for (let k = 0; k < x.length; k++) drawn[Math.floor(rand() * x.length)]++;
    const sorted = order.map((list) => list.flatMap((i) => new Array<number>(drawn[i]).fill(i)));
    return growTree(x, y, sorted, options, rand);
  });
  return {
    predict(row) {
      let s = 0;
      for (const t of trees) {
        let k = 0;
        while (t.feature[k] >= 0) k = row[t.feature[k]] <= t.threshold[k] ? t.left[k] : t.right[k];
        s += t.value[k];
      }
      return s / trees.length;
    },
  };
}
