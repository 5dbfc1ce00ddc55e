/**
 * Stage 1 of the pipeline: a streaming ONNX reader. It walks ModelProto → GraphProto on the wire so that weights
 * are skipped, never held: memory depends on the graph's structure, not on the file's size. Every sub-message is
 * walked the same way whatever its size (a Constant node can carry a 100 MB tensor), and `maxMessageBytes` caps
 * what any one message (a node, an initializer, a value_info...) may materialise.
 */
import { OnnxLimits, overLimit, withDefaults } from './limits';
import { OnnxError, OnnxErrorCode, RawModel } from './types';
import { Budget, Field, ReadContext, Walk, walkMessage } from './reader-walk';
import { walkTensor } from './reader-tensor';
import { describeNonOnnx } from './reader-sniff';
import { walkNode, walkOpset, walkValueInfo } from './reader-messages';
import { ByteSource } from './wire';

export interface ReadOptions {
  /** Most bytes one message may materialise (names, attribute values, small tensors). Default 1 MiB. */
  maxMessageBytes?: number;
  /** Caps on counts, ranks and sizes (defaults: DEFAULT_ONNX_LIMITS). */
  limits?: Partial<OnnxLimits>;
}

const DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
const OP_TYPE = /^[A-Za-z][A-Za-z0-9_.]*$/;

type GraphPart = Pick<RawModel, 'graphName' | 'nodes' | 'initializers' | 'inputs' | 'outputs' | 'valueInfo'>;

class ModelWalk {
  model: RawModel = {
    irVersion: 0,
    opsets: [],
    producerName: '',
    graphName: '',
    nodes: [],
    initializers: [],
    inputs: [],
    outputs: [],
    valueInfo: [],
    bytesRead: 0,
  };
  hasGraph = false;
  /** Set once the bytes look like ONNX; before that, any failure means "not an ONNX file". */
  recognised = false;
  /** A plausible ir_version came first; one byte pair of random data does that often, so it takes a second field. */
  private plausibleIrVersion = false;

  constructor(private readonly ctx: ReadContext) {}

  /** Each top-level child gets its own allowance, so the cap bounds one message, not the whole graph. */
  private budget(): Budget {
    return new Budget(this.ctx.maxMessageBytes, this.ctx.maxMessageBytes, this.ctx.total);
  }

  async graph(w: Walk): Promise<void> {
    const g: GraphPart = this.model;
    for (let f = await w.nextField(); f; f = await w.nextField()) {
      await this.graphField(w, f, g);
    }
  }

  private async graphField(w: Walk, f: Field, g: GraphPart): Promise<void> {
    switch (f.no) {
      case 1: {
        const { maxNodes } = this.ctx.limits;
        if (g.nodes.length >= maxNodes)
          throw overLimit(`graph has more than the ${maxNodes} nodes allowed`, { limit: maxNodes });
        const node = await w.nested(f, `node[${g.nodes.length}]`, walkNode, this.budget());
        if (OP_TYPE.test(node.opType)) this.recognised = true;
        g.nodes.push(node);
        return;
      }
      case 2:
        g.graphName = await w.string(f, 'name');
        return;
      case 5:
        g.initializers.push(await w.nested(f, `initializer[${g.initializers.length}]`, walkTensor, this.budget()));
        return;
      case 11:
        g.inputs.push(await w.nested(f, `input[${g.inputs.length}]`, walkValueInfo, this.budget()));
        return;
      case 12:
        g.outputs.push(await w.nested(f, `output[${g.outputs.length}]`, walkValueInfo, this.budget()));
        return;
      case 13:
        g.valueInfo.push(await w.nested(f, `value_info[${g.valueInfo.length}]`, walkValueInfo, this.budget()));
        return;
      default:
        return w.skip(f); // doc_string, sparse_initializer, quantization annotations, metadata
    }
  }

  async top(w: Walk): Promise<void> {
    for (let f = await w.nextField(); f; f = await w.nextField()) {
      const afterIrVersion = this.plausibleIrVersion;
      switch (f.no) {
        case 1: {
          this.model.irVersion = await w.scalar(f, 'int64', 'ir_version');
          this.plausibleIrVersion = this.model.irVersion >= 1 && this.model.irVersion <= 100;
          break;
        }
        case 2:
          this.model.producerName = await w.string(f, 'producer_name');
          break;
        case 7: {
          if (this.hasGraph) throw w.malformed('model has a second graph');
          this.hasGraph = true;
          const n = await w.length(f, 'graph');
          const end = w.src.position + n;
          await walkMessage(new Walk(this.ctx, 'graph', end, this.budget()), (g) => this.graph(g));
          break;
        }
        case 8:
          this.model.opsets.push(
            await w.nested(f, `opset_import[${this.model.opsets.length}]`, walkOpset, this.budget()),
          );
          break;
        default:
          await w.skip(f);
      }
      // A whole field read after a plausible ir_version: now this is ONNX, and later faults are its faults.
      if (afterIrVersion) this.recognised = true;
    }
  }
}

/** Reads an ONNX model from a byte stream into a RawModel, in memory bounded by its structure, not its size. */
export async function readOnnxModel(source: AsyncIterable<Uint8Array>, options: ReadOptions = {}): Promise<RawModel> {
  const src = new ByteSource(source);
  const limits = withDefaults(options.limits);
  const total = new Budget(limits.maxGraphBytes, limits.maxGraphBytes);
  const ctx: ReadContext = {
    src,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    limits,
    total,
  };
  const walk = new ModelWalk(ctx);
  try {
    const head = await src.peek(64);
    const notOnnx = describeNonOnnx(head);
    if (notOnnx) throw new OnnxError(OnnxErrorCode.NOT_ONNX, notOnnx);
    const budget = new Budget(ctx.maxMessageBytes, ctx.maxMessageBytes, total);
    await walkMessage(new Walk(ctx, 'model', Infinity, budget), (w) => walk.top(w));
  } catch (e) {
    if (e instanceof OnnxError && e.code !== OnnxErrorCode.NOT_ONNX && !walk.recognised) {
      throw new OnnxError(OnnxErrorCode.NOT_ONNX, `not an ONNX protobuf: ${e.message}`, e.details);
    }
    throw e;
  } finally {
    await src.close();
  }
  const model = walk.model;
  model.bytesRead = src.position;
  if (!walk.hasGraph) throw new OnnxError(OnnxErrorCode.NOT_ONNX, 'not an ONNX model: no graph in model');
  if (model.nodes.length === 0) {
    throw new OnnxError(OnnxErrorCode.EMPTY_GRAPH, `graph '${model.graphName}' has no nodes`);
  }
  return model;
}
