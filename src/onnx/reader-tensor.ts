/**
 * TensorProto, walked field by field so that weight data is skipped: only dims, type, name and location are kept,
 * plus the values of small numeric inline tensors (shape operands). Dims may follow the data on the wire, so a
 * data field is buffered only while it is small enough to belong to a small tensor.
 */
import { ELEMENT_BYTES, OnnxDataType, SMALL_TENSOR_MAX_ELEMENTS, TensorData, TensorStub } from './types';
import { Field, ScalarKind, Walk, decodePacked } from './reader-walk';
import { checkDeclaredSize } from './reader-tensor-check';
import { WireType } from './wire';

/** Bytes a small tensor's data field can take: 10 per element covers sign-extended varints. */
const SMALL_DATA_BYTES = SMALL_TENSOR_MAX_ELEMENTS * 10;
const EXTERNAL = 1;
/** Typed fields whose packed payload is already little-endian raw data (fixed-width floats). */
const CONTIGUOUS_FIELDS = new Set([4, 10]);

/** Types whose values are decoded (half floats and complex numbers never feed shape computations). */
const UNDECODED = new Set([
  OnnxDataType.FLOAT16,
  OnnxDataType.BFLOAT16,
  OnnxDataType.COMPLEX64,
  OnnxDataType.COMPLEX128,
]);
const rawSize = (type: OnnxDataType): number | undefined => (UNDECODED.has(type) ? undefined : ELEMENT_BYTES[type]);

/** Typed data fields in the order ONNX consults them, with their scalar encoding. */
const TYPED_FIELDS: [number, ScalarKind][] = [
  [4, 'float'],
  [5, 'int32'],
  [7, 'int64'],
  [10, 'double'],
  [11, 'uint64'],
];
const TYPED_KIND = new Map(TYPED_FIELDS);
const FIELD_NAME: Record<number, string> = {
  4: 'float_data',
  5: 'int32_data',
  7: 'int64_data',
  10: 'double_data',
  11: 'uint64_data',
};

/** 'big' marks a field that held too much to be a small tensor's data: it was skipped. */
type Collected = number[] | 'big';

function rawValues(raw: Uint8Array, type: OnnxDataType): number[] {
  const size = rawSize(type) ?? 1;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  for (let o = 0; o + size <= raw.byteLength; o += size) {
    switch (type) {
      case OnnxDataType.FLOAT:
        out.push(view.getFloat32(o, true));
        break;
      case OnnxDataType.INT8:
        out.push(view.getInt8(o));
        break;
      case OnnxDataType.UINT16:
        out.push(view.getUint16(o, true));
        break;
      case OnnxDataType.INT16:
        out.push(view.getInt16(o, true));
        break;
      case OnnxDataType.INT32:
        out.push(view.getInt32(o, true));
        break;
      case OnnxDataType.INT64:
        out.push(Number(view.getBigInt64(o, true)));
        break;
      case OnnxDataType.DOUBLE:
        out.push(view.getFloat64(o, true));
        break;
      case OnnxDataType.UINT32:
        out.push(view.getUint32(o, true));
        break;
      case OnnxDataType.UINT64:
        out.push(Number(view.getBigUint64(o, true)));
        break;
      default:
        out.push(view.getUint8(o));
    }
  }
  return out;
}

class TensorWalk {
  name = '';
  dataType = 0;
  location = 0;
  dims: number[] = [];
  /** Last raw_data field (protobuf: last one wins): its bytes when small, 'big' when skipped. */
  raw: Uint8Array | 'big' | null = null;
  rawLength = 0;
  /** Payload bytes of the typed and string data fields. */
  otherLength = 0;
  typed = new Map<number, Collected>();
  /** Where the last raw_data field's bytes start in the file. */
  rawOffset = 0;
  /** Where the typed data fields' bytes are: one packed float/double run, or scattered. */
  typedData: TensorData | undefined;
  /** external_data key → value (location, offset, length, checksum). */
  external = new Map<string, string>();

  constructor(private readonly w: Walk) {}

  async field(f: Field): Promise<void> {
    const w = this.w;
    const kind = TYPED_KIND.get(f.no);
    if (kind) return this.typedField(f, kind);
    switch (f.no) {
      case 1:
        return w.repeated(f, 'int64', 'dims', this.dims);
      case 2:
        this.dataType = await w.scalar(f, 'int32', 'data_type');
        return;
      case 8:
        this.name = w.label = await w.string(f, 'name');
        return;
      case 14:
        this.location = await w.scalar(f, 'int32', 'data_location');
        return;
      case 9: {
        this.rawLength = await w.length(f, 'raw_data');
        this.rawOffset = w.src.position;
        if (this.rawLength <= SMALL_DATA_BYTES) {
          w.budget.spend(this.rawLength, 'raw_data');
          this.raw = await w.src.readBytes(this.rawLength);
        } else {
          this.raw = 'big';
          await w.src.skip(this.rawLength);
        }
        return;
      }
      case 6: {
        const n = await w.length(f, 'string_data');
        this.otherLength += n;
        this.typedData = { kind: 'scattered', field: 'string_data' };
        return w.src.skip(n);
      }
      case 13: {
        const [key, value] = await w.nested(f, 'external_data', walkStringEntry);
        this.external.set(key, value);
        return;
      }
      default:
        return w.skip(f);
    }
  }

  private async typedField(f: Field, kind: ScalarKind): Promise<void> {
    const w = this.w;
    const name = FIELD_NAME[f.no];
    const seen = this.typed.get(f.no) ?? [];
    this.typed.set(f.no, seen);
    const first = this.typedData === undefined;
    this.typedData = { kind: 'scattered', field: name };
    if (f.wire === WireType.LEN) {
      const n = await w.length(f, name);
      if (first && CONTIGUOUS_FIELDS.has(f.no)) this.typedData = { kind: 'file', offset: w.src.position, length: n };
      this.otherLength += n;
      if (seen === 'big' || n > SMALL_DATA_BYTES) {
        this.typed.set(f.no, 'big');
        return w.src.skip(n);
      }
      w.budget.spend(n, name);
      this.keep(f.no, seen, decodePacked(await w.src.readBytes(n), kind));
      return;
    }
    const start = w.src.position;
    const value = await w.scalar(f, kind, name);
    this.otherLength += w.src.position - start;
    // One unpacked float or double is a contiguous run too; a second one makes the data scattered.
    if (first && CONTIGUOUS_FIELDS.has(f.no))
      this.typedData = { kind: 'file', offset: start, length: w.src.position - start };
    if (seen !== 'big') this.keep(f.no, seen, [value]);
  }

  private keep(no: number, seen: number[], values: number[]): void {
    if (seen.length + values.length > SMALL_TENSOR_MAX_ELEMENTS) this.typed.set(no, 'big');
    else for (const v of values) seen.push(v);
  }

  private data(): TensorData | undefined {
    if (this.location === EXTERNAL) return externalRef(this.w, this.external);
    if (this.raw !== null) return { kind: 'file', offset: this.rawOffset, length: this.rawLength };
    return this.typedData;
  }

  stub(): TensorStub {
    const external = this.location === EXTERNAL;
    const stub: TensorStub = {
      name: this.name,
      dataType: this.dataType,
      dims: this.dims,
      external,
      inlineByteLength: external ? 0 : this.rawLength + this.otherLength,
    };
    const data = this.data();
    if (data) stub.data = data;
    const elements = this.dims.reduce((a, b) => a * b, 1);
    if (external || rawSize(this.dataType as OnnxDataType) === undefined || elements > SMALL_TENSOR_MAX_ELEMENTS) {
      return stub;
    }
    // A small tensor whose data was too big to buffer is inconsistent; it simply gets no values.
    if (this.rawLength > 0) {
      if (this.raw instanceof Uint8Array) stub.values = rawValues(this.raw, this.dataType);
      return stub;
    }
    for (const [no] of TYPED_FIELDS) {
      const values = this.typed.get(no);
      if (values === 'big') return stub;
      if (values && values.length > 0) {
        stub.values = values;
        return stub;
      }
    }
    return stub;
  }
}

async function walkStringEntry(w: Walk): Promise<[string, string]> {
  let key = '';
  let value = '';
  for (let f = await w.nextField(); f; f = await w.nextField()) {
    if (f.no === 1) key = await w.string(f, 'key');
    else if (f.no === 2) value = await w.string(f, 'value');
    else await w.skip(f);
  }
  return [key, value];
}

const DECIMAL = /^[0-9]{1,16}$/;

/** The file's own external-data reference, checked: a location, and offset/length as exact decimal integers. */
function externalRef(w: Walk, entries: Map<string, string>): TensorData {
  const location = entries.get('location');
  if (!location) throw w.malformed('external data has no location');
  const number = (key: string): number | null => {
    const text = entries.get(key);
    if (text === undefined) return null;
    if (!DECIMAL.test(text) || !Number.isSafeInteger(Number(text))) {
      throw w.malformed(`external data ${key} '${text.slice(0, 40)}' is not a non-negative integer`);
    }
    return Number(text);
  };
  return { kind: 'external', location, offset: number('offset') ?? 0, length: number('length') };
}

/** Walks a TensorProto (an initializer or a tensor attribute) without materialising its data. */
export async function walkTensor(w: Walk): Promise<TensorStub> {
  const t = new TensorWalk(w);
  for (let f = await w.nextField(); f; f = await w.nextField()) await t.field(f);
  checkDeclaredSize(w, { ...t, external: t.location === EXTERNAL });
  return t.stub();
}
