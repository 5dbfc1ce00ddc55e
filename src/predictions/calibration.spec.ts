import { fitScale } from './calibration';

describe('fitScale', () => {
  it('recovers an exact factor with no residual', () => {
    const fit = fitScale([
      { modelId: 'a', measuredMs: 30, baseMs: 10 },
      { modelId: 'b', measuredMs: 3, baseMs: 1 },
    ]);
    expect(fit.scale).toBeCloseTo(3, 12);
    expect(fit.residualLog).toBeCloseTo(0, 12);
  });

  it('takes the geometric mean of the ratios and reports their spread in log space', () => {
    const fit = fitScale([
      { modelId: 'a', measuredMs: 20, baseMs: 10 },
      { modelId: 'b', measuredMs: 80, baseMs: 10 },
    ]);
    expect(fit.scale).toBeCloseTo(4, 12);
    expect(fit.residualLog).toBeCloseTo(Math.log(2), 12);
  });

  it('refuses an empty calibration', () => {
    expect(() => fitScale([])).toThrow(/at least one/);
  });
});
