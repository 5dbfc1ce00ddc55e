/**
 * Fits a derived platform's scale from whole-model latencies measured on the real device: least squares in log
 * space, log s = mean(log measured − log base), so a 2× miss counts the same whichever way it goes. The residual
 * (root mean square of the log misfits) says how well one factor explains the device: 0.1 ≈ ±10%.
 */
export interface CalibrationPoint {
  modelId: string;
  measuredMs: number;
  baseMs: number;
}

export interface CalibrationFit {
  scale: number;
  residualLog: number;
  points: CalibrationPoint[];
}

export function fitScale(points: CalibrationPoint[]): CalibrationFit {
  if (points.length === 0) throw new Error('calibration needs at least one point');
  const logs = points.map((p) => Math.log(p.measuredMs) - Math.log(p.baseMs));
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const residualLog = Math.sqrt(logs.reduce((a, l) => a + (l - mean) ** 2, 0) / logs.length);
  return { scale: Math.exp(mean), residualLog, points };
}
