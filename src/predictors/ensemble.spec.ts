import { seededRandom } from '../common/seeded-random';
import { combineMlps, FoldedMlp, forward } from './mlp';
import { correctedUs, fitWholeModelCorrection } from './predictor';

const rand = seededRandom(5);
const randomMlp = (sizes: number[]): FoldedMlp => ({
  inputSize: sizes[0],
  layers: sizes.slice(1).map((units, i) => ({
    weights: Array.from({ length: sizes[i] }, () => Array.from({ length: units }, () => rand() * 2 - 1)),
    bias: Array.from({ length: units }, () => rand() - 0.5),
  })),
});

describe('seed ensemble folded into one network', () => {
  it.each([[[4, 1]], [[4, 3, 1]], [[4, 5, 3, 1]]])('equals the mean of its members (%j)', (sizes) => {
    const nets = [randomMlp(sizes), randomMlp(sizes), randomMlp(sizes)];
    const wide = combineMlps(nets);
    for (let t = 0; t < 20; t++) {
      const x = Float64Array.from({ length: sizes[0] }, () => rand() * 4 - 2);
      const mean = nets.reduce((s, n) => s + forward(n, x), 0) / nets.length;
      expect(forward(wide, x)).toBeCloseTo(mean, 10);
    }
  });

  it('is the network itself for one member', () => {
    const net = randomMlp([3, 2, 1]);
    expect(combineMlps([net])).toBe(net);
  });
});

describe('whole-model correction', () => {
  it('recovers a common scale between node sums and whole-model times', () => {
    const sums = [100, 250, 40, 900, 60].map((s) => ({ predictedUs: s, wholeUs: 0.8 * s }));
    const c = fitWholeModelCorrection(sums);
    expect(c?.scale).toBeCloseTo(0.8, 10);
    expect(correctedUs(c, 50)).toBeCloseTo(40, 10);
  });

  it('needs a few models, and leaves predictions alone without one', () => {
    expect(fitWholeModelCorrection([{ predictedUs: 10, wholeUs: 5 }])).toBeUndefined();
    expect(correctedUs(undefined, 7)).toBe(7);
  });
});
