/**
 * Rebuilds an ONNX model from what the service stored (nodes, initializer stubs, inputs, outputs, opsets) so it
 * can be profiled on this host: the weights were never stored, so they are synthesised with the right types and
 * dims (see synth-tensor.ts). Pure: no Nest, no database.
 */
import { onnx } from 'onnx-proto';
import type { AttributeValue, TensorStub } from '../onnx/types';
import { seededRandom } from '../common/seeded-random';
import type { ModelParts, PartNode, PartValueInfo } from './parts';
import { RebuildLimits, rebuildOverLimit } from './rebuild-limits';
import { tensorProto } from './synth-tensor';

export type { ModelParts, PartNode, PartValueInfo } from './parts';

export interface RebuildOptions {
  /** Seed of the synthesised values (default 1): the same parts and seed give the same bytes. */
  seed?: number;
  /**
   * 'zeros' fills synthesised tensors with zeros (no random generation: a 140M-parameter model rebuilds in about
   * a second instead of tens). For structural checks; the profiler wants 'random' (default), so that no kernel
   * sees an all-zero special case.
   */
  fill?: 'random' | 'zeros';
  /** Checked before anything is synthesised; over them the rebuild throws RebuildError with the reason. */
  limits?: RebuildLimits;
}

/** ONNX AttributeProto.AttributeType values. */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/**
 * Stored ints went through doubles; protobufjs splits a number into two 32-bit words and wraps 2^63 (what
 * INT64_MAX becomes) to INT64_MIN. The largest double below 2^63 keeps "huge" (Slice ends) huge.
 */
const MAX_SAFE_INT64 = 2 ** 63 - 1024;
const int64 = (v: number): number => Math.max(-MAX_SAFE_INT64, Math.min(MAX_SAFE_INT64, Math.trunc(v)));

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export class RebuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RebuildError';
  }
}

/** An AttributeProto from a stored attribute; tensor values (Constant, ConstantOfShape) come from `tensor`. */
export function attributeProto(
  node: Pick<PartNode, 'name' | 'opType'>,
  name: string,
  a: AttributeValue,
  tensor: (t: TensorStub) => onnx.ITensorProto,
): onnx.IAttributeProto {
  switch (a.kind) {
    case 'float':
      return { name, type: ATTR.FLOAT, f: a.value };
    case 'int':
      return { name, type: ATTR.INT, i: int64(a.value) };
    case 'string':
      return { name, type: ATTR.STRING, s: utf8(a.value) };
    case 'floats':
      return { name, type: ATTR.FLOATS, floats: a.value };
    case 'ints':
      return { name, type: ATTR.INTS, ints: a.value.map(int64) };
    case 'strings':
      return { name, type: ATTR.STRINGS, strings: a.value.map(utf8) };
    case 'tensor':
      return { name, type: ATTR.TENSOR, t: tensor(a.value) };
    default:
      // Sub-graphs (If, Loop, Scan) and exotic attribute types were never stored, so the node cannot be rebuilt.
      throw new RebuildError(
        `node '${node.name}' (${node.opType}): attribute '${name}' is a ${a.kind === 'graph' ? 'sub-graph' : `type-${a.type} attribute`}, which is not stored; the model cannot be rebuilt for profiling`,
      );
  }
}

export function valueInfoProto(v: PartValueInfo, withShape: boolean): onnx.IValueInfoProto {
  // Unknown element types are left out rather than guessed; ORT infers the type of an output itself.
  if (!v.elemType) return { name: v.name };
  const shape =
    withShape && v.shape
      ? {
          dim: v.shape.map((d): onnx.TensorShapeProto.IDimension =>
            typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {},
          ),
        }
      : undefined;
  return { name: v.name, type: { tensorType: { elemType: v.elemType, shape } } };
}

/** The ModelProto bytes of the parts, with synthesised weights; throws RebuildError naming what is missing. */
export function rebuildModel(parts: ModelParts, options: RebuildOptions = {}): Uint8Array {
  if (parts.opsets.length === 0) throw new RebuildError('the model has no opset imports stored');
  const over = options.limits && rebuildOverLimit(parts, options.limits);
  if (over) throw new RebuildError(over);
  const rand = options.fill === 'zeros' ? 'zeros' : seededRandom(options.seed ?? 1);
  const node = parts.nodes.map((n): onnx.INodeProto => ({
    name: n.name,
    opType: n.opType,
    domain: n.domain,
    input: n.inputs,
    output: n.outputs,
    // Constant / ConstantOfShape values: exact when the reader decoded them, else stand-ins of the stub's dims.
    attribute: Object.entries(n.attributes).map(([name, a]) => attributeProto(n, name, a, (t) => tensorProto(t, rand))),
  }));
  const initializer = parts.initializers.map((t) => tensorProto(t, rand));
  // Graph inputs carry their shapes (the profiler reads them back from the session). Outputs carry no shape: a
  // stored shape that disagreed with ORT's inference would only add warnings.
  const input = parts.inputs.map((v) => valueInfoProto(v, true));
  if (parts.irVersion < 4) {
    // Before IR 4 every initializer also had to be listed as a graph input, as the original file did.
    input.push(
      ...parts.initializers.map((t) => valueInfoProto({ name: t.name, elemType: t.dataType, shape: t.dims }, true)),
    );
  }
  const model: onnx.IModelProto = {
    irVersion: parts.irVersion,
    producerName: 'tiersplit-rebuild',
    opsetImport: parts.opsets.map((o) => ({ domain: o.domain, version: o.version })),
    graph: {
      name: 'rebuilt',
      node,
      initializer,
      input,
      output: parts.outputs.map((v) => valueInfoProto(v, false)),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}
