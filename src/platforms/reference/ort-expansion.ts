/**
 * ONNX Runtime 1.30's CPU provider has no HardSwish kernel: it inlines the op's function body, so the profile
 * names two nodes the graph does not have, `HardSigmoid_<k>` and `Mul_<k+1>`, numbered after the graph's own
 * nodes, one pair per HardSwish in file order (checked on the data: each pair follows the Conv that feeds the
 * matching HardSwish). The pair's times are summed onto the HardSwish node, so the graph's nodes account for the
 * whole profile.
 */
import { IngestedModel } from '../../onnx/ingest';
import type { CsvRow } from './types';

/** CSV node name → ONNX node name, for the rows of inlined HardSwish functions. */
export function hardSwishExpansion(rows: CsvRow[], model: IngestedModel): Map<string, string> {
  const known = new Set(model.features.map((f) => f.name));
  const numbered = (op: string): CsvRow[] =>
    rows
      .filter((r) => r.op_type === op && !known.has(r.node) && new RegExp(`^${op}_\\d+$`).test(r.node))
      .sort((a, b) => suffix(a.node) - suffix(b.node));
  const sigmoids = numbered('HardSigmoid');
  const muls = numbered('Mul');
  const hardSwishes = model.graph.nodes.filter((n) => n.opType === 'HardSwish').map((n) => n.uniqueName);
  const out = new Map<string, string>();
  if (sigmoids.length !== hardSwishes.length || muls.length !== hardSwishes.length) return out;
  hardSwishes.forEach((name, i) => {
    out.set(sigmoids[i].node, name);
    out.set(muls[i].node, name);
  });
  return out;
}

const suffix = (name: string): number => Number(name.slice(name.lastIndexOf('_') + 1));
