/**
 * Walkers for the graph's small messages: nodes with their attributes, value_info and opset imports. They run on
 * the stream like everything else, so a node holding a huge tensor attribute costs no more memory than a small one.
 */
import { AttributeValue, Dim, OpsetImport, RawNode, TensorStub, ValueInfo } from './types';
import { overLimit } from './limits';
import { Walk } from './reader-walk';
import { walkTensor } from './reader-tensor';
/** AttributeProto.AttributeType values that map to an AttributeValue kind. */
enum AttrType {
  FLOAT = 1,
  INT = 2,
  STRING = 3,
  TENSOR = 4,
  GRAPH = 5,
  FLOATS = 6,
  INTS = 7,
  STRINGS = 8,
}

const EMPTY_TENSOR: TensorStub = { name: '', dataType: 0, dims: [], external: false, inlineByteLength: 0 };

async function walkAttribute(w: Walk): Promise<[string, AttributeValue]> {
  let type = 0;
  let f = 0;
  let i = 0;
  let s = '';
  let t: TensorStub | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  for (let fd = await w.nextField(); fd; fd = await w.nextField()) {
    switch (fd.no) {
      case 1:
        w.label = await w.string(fd, 'name');
        break;
      case 2:
        f = await w.scalar(fd, 'float', 'f');
        break;
      case 3:
        i = await w.scalar(fd, 'int64', 'i');
        break;
      case 4:
        s = await w.text(fd, 's');
        break;
      case 5:
        t = await w.nested(fd, 't', walkTensor);
        break;
      case 7:
        await w.repeated(fd, 'float', 'floats', floats);
        break;
      case 8:
        await w.repeated(fd, 'int64', 'ints', ints);
        break;
      case 9:
        strings.push(await w.text(fd, 'strings'));
        break;
      case 20:
        type = await w.scalar(fd, 'int32', 'type');
        break;
      default:
        await w.skip(fd); // sub-graphs, tensor lists, docs: not needed for partitioning
    }
  }
  return [w.label, attributeValue(type, { f, i, s, t, floats, ints, strings })];
}

interface AttrFields {
  f: number;
  i: number;
  s: string;
  t?: TensorStub;
  floats: number[];
  ints: number[];
  strings: string[];
}

/** The `type` field decides which value counts; it usually comes last on the wire, hence the collection first. */
function attributeValue(type: number, a: AttrFields): AttributeValue {
  switch (type) {
    case AttrType.FLOAT:
      return { kind: 'float', value: a.f };
    case AttrType.INT:
      return { kind: 'int', value: a.i };
    case AttrType.STRING:
      return { kind: 'string', value: a.s };
    case AttrType.TENSOR:
      return { kind: 'tensor', value: a.t ?? { ...EMPTY_TENSOR, dims: [] } };
    case AttrType.GRAPH:
      return { kind: 'graph' };
    case AttrType.FLOATS:
      return { kind: 'floats', value: a.floats };
    case AttrType.INTS:
      return { kind: 'ints', value: a.ints };
    case AttrType.STRINGS:
      return { kind: 'strings', value: a.strings };
    default:
      return { kind: 'other', type };
  }
}

export async function walkNode(w: Walk): Promise<RawNode> {
  const node: RawNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: {} };
  const attributes: [string, AttributeValue][] = [];
  for (let f = await w.nextField(); f; f = await w.nextField()) {
    switch (f.no) {
      case 1:
        node.inputs.push(await w.string(f, 'input'));
        break;
      case 2:
        node.outputs.push(await w.string(f, 'output'));
        break;
      case 3:
        node.name = w.label = await w.string(f, 'name');
        break;
      case 4:
        node.opType = await w.string(f, 'op_type');
        break;
      case 5:
        attributes.push(await w.nested(f, `attribute[${attributes.length}]`, walkAttribute));
        break;
      case 7:
        node.domain = await w.string(f, 'domain');
        break;
      default:
        await w.skip(f);
    }
  }
  // fromEntries, not assignment: an attribute named __proto__ must stay data.
  node.attributes = Object.fromEntries(attributes);
  return node;
}

async function walkDim(w: Walk): Promise<Dim> {
  let value: number | undefined;
  let param = '';
  for (let f = await w.nextField(); f; f = await w.nextField()) {
    if (f.no === 1) value = await w.scalar(f, 'int64', 'dim_value');
    else if (f.no === 2) param = await w.string(f, 'dim_param');
    else await w.skip(f);
  }
  return value ?? (param || null);
}

async function walkShape(w: Walk): Promise<Dim[]> {
  const dims: Dim[] = [];
  for (let f = await w.nextField(); f; f = await w.nextField()) {
    if (f.no !== 1) await w.skip(f);
    else if (dims.length >= w.ctx.limits.maxRank) {
      throw overLimit(`shape has more than the ${w.ctx.limits.maxRank} dims allowed`, { limit: w.ctx.limits.maxRank });
    } else dims.push(await w.nested(f, `dim[${dims.length}]`, walkDim));
  }
  return dims;
}

/** TypeProto.Tensor; other kinds of type (sequence, map, optional) leave elemType 0 and no shape. */
async function walkTensorType(w: Walk): Promise<Omit<ValueInfo, 'name'>> {
  const type: Omit<ValueInfo, 'name'> = { elemType: 0 };
  for (let f = await w.nextField(); f; f = await w.nextField()) {
    if (f.no === 1) type.elemType = await w.scalar(f, 'int32', 'elem_type');
    else if (f.no === 2) type.shape = await w.nested(f, 'shape', walkShape);
    else await w.skip(f);
  }
  return type;
}

async function walkType(w: Walk): Promise<Omit<ValueInfo, 'name'>> {
  let type: Omit<ValueInfo, 'name'> = { elemType: 0 };
  for (let f = await w.nextField(); f; f = await w.nextField()) {
    if (f.no === 1) type = await w.nested(f, 'tensor_type', walkTensorType);
    else await w.skip(f);
  }
  return type;
}

export async function walkValueInfo(w: Walk): Promise<ValueInfo> {
  let name = '';
  let type: Omit<ValueInfo, 'name'> = { elemType: 0 };
  for (let f = await w.nextField(); f; f = await w.nextField()) {
    if (f.no === 1) name = w.label = await w.string(f, 'name');
    else if (f.no === 2) type = await w.nested(f, 'type', walkType);
    else await w.skip(f);
  }
  return { name, ...type };
}

export async function walkOpset(w: Walk): Promise<OpsetImport> {
  const opset: OpsetImport = { domain: '', version: 0 };
  for (let f = await w.nextField(); f; f = await w.nextField()) {
    if (f.no === 1) opset.domain = await w.string(f, 'domain');
    else if (f.no === 2) opset.version = await w.scalar(f, 'int64', 'version');
    else await w.skip(f);
  }
  return opset;
}
