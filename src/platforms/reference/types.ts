/**
 * The shapes the reference readers share: reference-data.ts reads the CSVs and hands rows to gpu-mapping.ts and
 * ort-expansion.ts, which only need these types; kept here so neither imports its caller back.
 */
export type CsvRow = Record<string, string>;

export interface NodeMeasurement {
  model: string;
  /** ONNX node unique name, as buildGraph produces it. */
  node: string;
  opType: string;
  medianUs: number;
  p10Us: number;
  p90Us: number;
  runs: number;
}

/** A CSV row that names no node of its graph; `reason` says why. */
export interface UnmappedRow {
  model: string;
  node: string;
  opType: string;
  medianUs: number;
  reason: string;
}
