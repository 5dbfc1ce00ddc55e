/**
 * A small builder of runnable ONNX graphs for the profiling kit: it tracks the NCHW (or token) shape of the running
 * tensor, counts MACs and parameters as it goes, and writes every weight inline so the model runs as it is.
 *
 * Weight values do not change a dense float kernel's latency (as long as they are not denormal, NaN or zero), so
 * every weight repeats one seeded pattern of WEIGHT_PERIOD floats. That keeps the kit small once gzipped: deflate
 * finds the repetition inside its 32 KiB window, where random bytes would not compress at all.
 */
import { onnx } from 'onnx-proto';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** Floats in the repeating weight pattern: a prime, so the pattern does not line up with channel strides. */
export const WEIGHT_PERIOD = 2039;

export type Shape = number[];

export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly shapes = new Map<string, Shape>();
  private readonly pattern: Float32Array;
  private counter = 0;
  macs = 0;
  params = 0;

  constructor(random: () => number) {
    this.pattern = new Float32Array(WEIGHT_PERIOD);
    // Uniform in ±0.1, never exactly 0: keeps activations bounded through deep stacks without denormals.
    for (let i = 0; i < WEIGHT_PERIOD; i++) this.pattern[i] = (random() < 0.5 ? -1 : 1) * (0.01 + random() * 0.09);
  }

  shapeOf(name: string): Shape {
    const s = this.shapes.get(name);
    if (!s) throw new Error(`generator: tensor '${name}' has no shape`);
    return s;
  }

  declare(name: string, shape: Shape): string {
    this.shapes.set(name, shape);
    return name;
  }

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** A float weight of the given dims; `fill` overrides the pattern (BatchNorm variance must be positive). */
  weight(prefix: string, dims: number[], fill?: (i: number) => number, counts = true): string {
    const n = dims.reduce((a, d) => a * d, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = fill ? fill(i) : this.pattern[i % WEIGHT_PERIOD];
    const name = this.fresh(prefix);
    this.initializers.push({
      name,
      dims,
      dataType: FLOAT,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    if (counts) this.params += n;
    return this.declare(name, dims);
  }

  int64s(prefix: string, values: number[]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    const name = this.fresh(prefix);
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: INT64,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return this.declare(name, [values.length]);
  }

  scalar(prefix: string, value: number): string {
    return this.weight(prefix, [], () => value, false);
  }

  /** Adds a node with one output of a known shape and returns the output's name. */
  op(
    opType: string,
    inputs: string[],
    outShape: Shape,
    attributes: onnx.IAttributeProto[] = [],
    macs = outShape.reduce((a, d) => a * d, 1),
  ): string {
    const out = this.fresh(opType.toLowerCase());
    this.nodes.push({
      name: `${opType}_${this.nodes.length}`,
      opType,
      input: inputs,
      output: [out],
      attribute: attributes,
    });
    this.macs += macs;
    return this.declare(out, outShape);
  }

  /** A node with several outputs (Split). */
  multi(opType: string, inputs: string[], outShapes: Shape[], attributes: onnx.IAttributeProto[] = []): string[] {
    const outs = outShapes.map((s) => this.declare(this.fresh(opType.toLowerCase()), s));
    this.nodes.push({
      name: `${opType}_${this.nodes.length}`,
      opType,
      input: inputs,
      output: outs,
      attribute: attributes,
    });
    return outs;
  }

  encode(name: string, input: string, output: string): Uint8Array {
    const info = (n: string): onnx.IValueInfoProto => ({
      name: n,
      type: { tensorType: { elemType: FLOAT, shape: { dim: this.shapeOf(n).map((d) => ({ dimValue: d })) } } },
    });
    const model: onnx.IModelProto = {
      irVersion: 8,
      producerName: 'tiersplit-kit',
      opsetImport: [{ domain: '', version: 17 }],
      graph: { name, node: this.nodes, initializer: this.initializers, input: [info(input)], output: [info(output)] },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}

export const ints = (name: string, values: number[]): onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.INTS,
  ints: values,
});
export const int = (name: string, value: number): onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.INT,
  i: value,
});
export const float = (name: string, value: number): onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.FLOAT,
  f: value,
});
