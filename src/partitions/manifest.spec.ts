import { createReadStream } from 'node:fs';
import { onnx } from 'onnx-proto';
import { seededRandom } from '../common/seeded-random';
import { ingestOnnx } from '../onnx/ingest';
import { evaluate } from '../planning/cost-model';
import { planGraphFromFeatures } from '../planning/plan-graph';
import type { TransferDtype } from '../planning/types';
import { fixturePath } from '../../test/support/fixtures';
import { randomAssignment } from '../../test/support/partitions';
import { buildManifest } from './manifest';
import { storedGraphFromIngested } from './stored-graph';
import { buildSubModel } from './sub-model';
import { GraphNodePart, PartitionsError, PartitionsErrorCode, PlanAssignment, StoredGraph } from './types';

const f32 = (name: string, shape: number[]) => ({ name, elemType: 1, shape });
const node = (
  name: string,
  opType: string,
  inputs: string[],
  outputs: [string, number, number[]][],
  isConstant = false,
): GraphNodePart => ({
  name,
  opType,
  domain: '',
  inputs,
  outputs: outputs.map(([n, elemType, shape]) => ({ name: n, elemType, shape })),
  attributes: {},
  isConstant,
});

/** x → Relu a → Shape s (int64) → Reshape(a, s) r → Add(r, c) y, with c a constant node used twice. */
function graph(opset = 13): StoredGraph {
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: opset }],
    fileName: 'm.onnx',
    inputs: [f32('x', [2, 8])],
    outputs: [f32('y', [2, 8]), f32('a', [2, 8])],
    nodes: [
      {
        ...node('c', 'Constant', [], [['c', 1, [2, 8]]], true),
        attributes: {
          value: {
            kind: 'tensor',
            value: {
              name: '',
              dataType: 1,
              dims: [2, 8],
              external: false,
              inlineByteLength: 64,
              data: { kind: 'file', offset: 100, length: 64 },
            },
          },
        },
      },
      node('relu', 'Relu', ['x'], [['a', 1, [2, 8]]]),
      node('shape', 'Shape', ['a'], [['s', 7, [2]]]),
      node('add0', 'Add', ['a', 'c'], [['a2', 1, [2, 8]]]),
      node('reshape', 'Reshape', ['a2', 's'], [['r', 1, [2, 8]]]),
      node('add', 'Add', ['r', 'c'], [['y', 1, [2, 8]]]),
    ],
    initializers: [],
  };
}

const plan = (tiers: string[][], transferDtype: TransferDtype = 'float32'): PlanAssignment => ({
  tiers: tiers.map((nodes, k) => ({ tier: ['end', 'edge', 'cloud'][k], platform: `p${k}`, nodes })),
  transferDtype,
  inputBytes: null,
});

const code = (work: () => unknown): string => {
  try {
    work();
  } catch (e) {
    if (e instanceof PartitionsError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
};

describe('partition manifest', () => {
  it('wires what each tier receives and sends, with the cost model’s bytes (int64 in its own type)', () => {
    const m = buildManifest(graph(), plan([['c', 'relu', 'add0'], ['shape'], ['reshape', 'add']], 'int8'));
    const [end, edge, cloud] = m.tiers;
    expect(end.inputs).toMatchObject([{ name: 'x', source: 'model-input', links: [], bytes: 64 }]);
    expect(end.outputs.map((o) => [o.name, o.consumers, o.encoding, o.bytes])).toEqual([
      ['a', ['edge'], 'int8', 16 + 5],
      ['a2', ['cloud'], 'int8', 16 + 5],
    ]);
    // 'a' is also a model output made on the end device: it stays there as itself beside its encoded copy.
    expect(end.outputs[0].wire.map((w) => w.name)).toEqual(['a', 'a::uint8', 'a::scale', 'a::zero_point']);
    expect(edge.outputs).toMatchObject([
      { name: 's', dtype: 'int64', encoding: 'none', bytes: 16, consumers: ['cloud'] },
    ]);
    expect(cloud.inputs.map((i) => [i.name, i.fromTier, i.links])).toEqual([
      ['s', 'edge', ['edge-cloud']],
      ['a2', 'end', ['end-edge', 'edge-cloud']],
    ]);
    expect(cloud.outputs).toMatchObject([{ name: 'y', returnsToEnd: true, encoding: 'int8' }]);
    // The constant is listed on the end device (its first consumer) and copied to the cloud, never sent.
    expect(cloud.copiedConstants).toEqual(['c']);
    expect(m.links).toEqual([
      { link: 'end-edge', bytes: 42, tensors: ['a', 'a2'] },
      { link: 'edge-cloud', bytes: 16 + 21, tensors: ['s', 'a2'] },
    ]);
  });

  it('agrees with the cost model on every link of random assignments of a real DAG', async () => {
    const ingested = await ingestOnnx(createReadStream(fixturePath('graphs', 'resnet18.onnx')));
    const g = storedGraphFromIngested(ingested, 'resnet18.onnx');
    const pg = planGraphFromFeatures(
      ingested.features,
      ingested.summary.inputs,
      ingested.summary.outputs.map((o) => o.name),
      [0, 1, 2, 3].map(() => new Float64Array(g.nodes.length).fill(1)),
    );
    const rand = seededRandom(7);
    const network = { tiers: 4, links: [0, 1, 2].map(() => ({ uplinkMbps: 10, downlinkMbps: 10, rttMs: 1 })) };
    for (const dtype of ['float32', 'float16', 'int8'] as const) {
      for (let i = 0; i < 5; i++) {
        const a = randomAssignment(g, 4, rand, dtype);
        const tierOf = new Map(a.tiers.flatMap((t, k) => t.nodes.map((n) => [n, k] as const)));
        const cost = evaluate(
          pg,
          network,
          g.nodes.map((n) => tierOf.get(n.name)!),
          { transferDtype: dtype },
        );
        const m = buildManifest(g, a);
        expect(m.links.map((l) => [l.link, l.bytes, [...l.tensors].sort()])).toEqual(
          cost.transfers.map((t) => [
            `${a.tiers[t.link - 1].tier}-${a.tiers[t.link].tier}`,
            t.bytes,
            [...t.tensors].sort(),
          ]),
        );
      }
    }
  });

  it('refuses assignments that move data backwards or skip a node', () => {
    expect(
      code(() =>
        buildManifest(
          graph(),
          plan([
            ['c', 'shape'],
            ['relu', 'add0', 'reshape', 'add'],
          ]),
        ),
      ),
    ).toMatch(/BAD_ASSIGNMENT: data would move backwards: 'a'/);
    expect(code(() => buildManifest(graph(), plan([['c', 'relu', 'add0', 'shape', 'reshape']])))).toMatch(
      /BAD_ASSIGNMENT: the plan puts node 'add' on no tier/,
    );
  });
});

describe('sub-models', () => {
  const all = plan([['c', 'relu', 'add0'], [], ['shape', 'reshape', 'add']], 'float16');

  it('encode on the sender, decode on the receiver, and reference weights in the uploaded file', () => {
    const end = onnx.ModelProto.decode(buildSubModel(graph(), all, 'end'));
    expect(end.opsetImport).toEqual([expect.objectContaining({ version: expect.anything() })]);
    expect(end.graph!.node!.map((n) => n.opType)).toEqual(['Constant', 'Relu', 'Add', 'Cast', 'Cast']);
    expect(end.graph!.output!.map((o) => o.name)).toEqual(['a', 'a::float16', 'a2::float16']);
    const value = end.graph!.node![0].attribute![0].t!;
    expect(value.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    expect(value.externalData!.map((e) => [e.key, e.value])).toEqual([
      ['location', 'm.onnx'],
      ['offset', '100'],
      ['length', '64'],
    ]);
    const cloud = onnx.ModelProto.decode(buildSubModel(graph(), all, 'cloud'));
    expect(cloud.graph!.input!.map((i) => i.name)).toEqual(['a::float16', 'a2::float16']);
    expect(cloud.graph!.node!.slice(0, 2).map((n) => [n.opType, n.output])).toEqual([
      ['Cast', ['a']],
      ['Cast', ['a2']],
    ]);
  });

  it('refuse to exchange a tensor whose type shape inference could not give', () => {
    const g = graph();
    g.nodes[1].outputs[0].elemType = 0;
    expect(code(() => buildSubModel(g, all, 'cloud'))).toMatch(
      /NOT_EXPORTABLE: tier 'cloud' exchanges tensors of unknown type: a\b/,
    );
  });

  it('name the tier that is unknown or runs no nodes', () => {
    expect(code(() => buildSubModel(graph(), all, 'moon'))).toMatch(/TIER_NOT_FOUND: the plan has no tier 'moon'/);
    expect(code(() => buildSubModel(graph(), all, 'edge'))).toMatch(/EMPTY_TIER: tier 'edge' runs no nodes/);
  });

  it('answer NOT_EXPORTABLE naming tensors whose bytes are scattered, and int8 on an opset without it', () => {
    const g = graph();
    g.nodes.push(node('gather', 'Gather', ['y', 'idx'], [['z', 1, [2, 8]]]));
    g.initializers.push({
      name: 'idx',
      dataType: 7,
      dims: [4096],
      values: null,
      data: { kind: 'scattered', field: 'int64_data' },
    });
    g.outputs.push(f32('z', [2, 8]));
    const p = plan([['c', 'relu', 'add0', 'shape', 'reshape', 'add', 'gather']]);
    expect(code(() => buildSubModel(g, p, 'end'))).toBe(
      `${PartitionsErrorCode.NOT_EXPORTABLE}: tier 'end' needs tensors whose bytes are not contiguous in the uploaded file and too large to have been kept (varint-packed or string data): idx`,
    );
    g.initializers[0].values = [0, 1, 1, 0].concat(new Array(4092).fill(0));
    expect(onnx.ModelProto.decode(buildSubModel(g, p, 'end')).graph!.initializer![0].rawData!.length).toBe(4096 * 8);
    expect(
      code(() =>
        buildSubModel(
          graph(10),
          plan(
            [
              ['c', 'relu'],
              ['add0', 'shape', 'reshape', 'add'],
            ],
            'int8',
          ),
          'end',
        ),
      ),
    ).toMatch(
      /NOT_EXPORTABLE: int8 transfers need opset 11 or later \(DynamicQuantizeLinear\); the model has opset 10/,
    );
  });
});
