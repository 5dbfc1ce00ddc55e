import { readdirSync } from 'node:fs';
import { decodeWholeFile } from '../../test/support/decode-whole';
import { buildGraph, MAX_OPSET, MIN_OPSET, uniqueNodeNames } from './graph';
import { OnnxError, OnnxErrorCode, RawModel, RawNode } from './types';
import { fixtureFile, fixturePath } from '../../test/support/fixtures';

const node = (name: string, opType: string, inputs: string[], outputs: string[]): RawNode => ({
  name,
  opType,
  domain: '',
  inputs,
  outputs,
  attributes: {},
});

function model(nodes: RawNode[], extra: Partial<RawModel> = {}): RawModel {
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producerName: 'test',
    graphName: 'g',
    nodes,
    initializers: [{ name: 'w', dataType: 1, dims: [4], external: false, inlineByteLength: 16 }],
    inputs: [{ name: 'x', elemType: 1, shape: [1, 4] }],
    outputs: [{ name: 'y', elemType: 1 }],
    valueInfo: [],
    bytesRead: 0,
    ...extra,
  };
}

function error(fn: () => unknown): OnnxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OnnxError) return e;
    throw e;
  }
  throw new Error('expected an OnnxError');
}

describe('uniqueNodeNames', () => {
  it('names nameless nodes <OpType>_<index> and suffixes repeats', () => {
    const names = uniqueNodeNames([
      node('', 'Conv', [], []),
      node('a', 'Relu', [], []),
      node('a', 'Relu', [], []),
      node('', 'Add', [], []),
      node('a', 'Relu', [], []),
    ]);
    expect(names).toEqual(['Conv_0', 'a', 'a#2', 'Add_3', 'a#3']);
  });

  it('never takes a name the file gives a later node', () => {
    // The nameless node 0 would be Conv_0, but a real node is called Conv_0; a real 'a#2' forces the repeat on.
    const names = uniqueNodeNames([
      node('', 'Conv', [], []),
      node('Conv_0', 'Relu', [], []),
      node('a', 'X', [], []),
      node('a#2', 'X', [], []),
      node('a', 'X', [], []),
    ]);
    expect(names).toEqual(['Conv_0#2', 'Conv_0', 'a', 'a#2', 'a#3']);
  });

  it('names every node of real files with nameless nodes uniquely', () => {
    for (const f of ['light_resnet50', 'ultraface_RFB-320', 'ch_ppocr_mobile_v2.0_cls_infer']) {
      const g = buildGraph(decodeWholeFile(fixturePath('third_party', `${f}.onnx`)));
      expect(new Set(g.nodes.map((n) => n.uniqueName)).size).toBe(g.nodes.length);
      expect(g.nodes.some((n) => n.name === '' && /^[A-Za-z]+_\d+$/.test(n.uniqueName))).toBe(true);
    }
  });
});

describe('buildGraph', () => {
  it('builds producers, consumers and the real inputs', () => {
    const g = buildGraph(
      model([node('mul', 'Mul', ['x', 'w'], ['t']), node('add', 'Add', ['t', 't'], ['y'])], {
        inputs: [
          { name: 'x', elemType: 1, shape: [1, 4] },
          { name: 'w', elemType: 1, shape: [4] },
        ],
      }),
    );
    expect(g.inputs.map((i) => i.name)).toEqual(['x']); // w is an initializer
    expect(g.producerOf.get('t')).toBe(0);
    expect(g.consumersOf.get('t')).toEqual([1]);
    expect(g.consumersOf.get('x')).toEqual([0]);
    expect(g.initializers.get('w')?.dims).toEqual([4]);
  });

  it('reorders a shuffled file topologically, keeping file order where it is valid', () => {
    const g = buildGraph(
      model([
        node('d', 'Add', ['b', 'c'], ['y']),
        node('b', 'Relu', ['a'], ['b']),
        node('e', 'Relu', ['x'], ['e']), // independent: stays before c
        node('c', 'Relu', ['a'], ['c']),
        node('a', 'Relu', ['x'], ['a']),
      ]),
    );
    expect(g.nodes.map((n) => n.uniqueName)).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(g.nodes.map((n) => n.index)).toEqual([0, 1, 2, 3, 4]);
    expect(g.producerOf.get('a')).toBe(1);
  });

  it('keeps a valid file order unchanged', () => {
    const raw = decodeWholeFile(fixturePath('graphs', 'resnet18.onnx'));
    const g = buildGraph(raw);
    expect(g.nodes.map((n) => n.name)).toEqual(raw.nodes.map((n) => n.name));
  });

  it('rejects an unknown tensor, naming node and tensor', () => {
    const e = error(() => buildGraph(model([node('relu', 'Relu', ['ghost'], ['y'])])));
    expect(e.code).toBe(OnnxErrorCode.UNKNOWN_TENSOR);
    expect(e.message).toBe("node 'relu' consumes unknown tensor 'ghost'");
  });

  it('rejects a graph output nobody produces', () => {
    const e = error(() => buildGraph(model([node('relu', 'Relu', ['x'], ['z'])])));
    expect(e.code).toBe(OnnxErrorCode.UNKNOWN_TENSOR);
    expect(e.message).toMatch(/graph output 'y'/);
  });

  it('accepts omitted optional inputs', () => {
    expect(() => buildGraph(model([node('clip', 'Clip', ['x', '', 'w'], ['y'])]))).not.toThrow();
  });

  it('rejects two producers of one tensor, naming both', () => {
    const e = error(() => buildGraph(model([node('p1', 'Relu', ['x'], ['y']), node('', 'Sigmoid', ['x'], ['y'])])));
    expect(e.code).toBe(OnnxErrorCode.DUPLICATE_PRODUCER);
    expect(e.message).toBe("tensor 'y' is produced by both node 'p1' and node 'Sigmoid_1'");
    expect(e.details).toEqual({ tensor: 'y', nodes: ['p1', 'Sigmoid_1'] });
    expect(
      error(() => buildGraph(model([node('p', 'Relu', ['x'], ['w']), node('q', 'Relu', ['w'], ['y'])]))).code,
    ).toBe(OnnxErrorCode.DUPLICATE_PRODUCER);
  });

  it('rejects a cycle, naming the nodes on it in data-flow order', () => {
    const e = error(() =>
      buildGraph(
        model([
          node('a', 'Add', ['x', 'c'], ['a']),
          node('b', 'Relu', ['a'], ['b']),
          node('c', 'Relu', ['b'], ['c']),
          node('out', 'Relu', ['c'], ['y']),
        ]),
      ),
    );
    expect(e.code).toBe(OnnxErrorCode.CYCLE);
    expect(e.message).toBe('graph has a cycle: a → b → c → a');
    expect(error(() => buildGraph(model([node('s', 'Add', ['x', 'y'], ['y'])]))).message).toBe(
      'graph has a cycle: s → s',
    );
  });

  it('rejects an opset outside the supported range, naming version and range', () => {
    const e = error(() =>
      buildGraph(model([node('r', 'Relu', ['x'], ['y'])], { opsets: [{ domain: 'ai.onnx', version: 6 }] })),
    );
    expect(e.code).toBe(OnnxErrorCode.UNSUPPORTED_OPSET);
    expect(e.message).toBe(`unsupported opset 6: supported ai.onnx opsets are ${MIN_OPSET} to ${MAX_OPSET}`);
    expect(error(() => buildGraph(model([], { opsets: [{ domain: '', version: 99 }] }))).code).toBe(
      OnnxErrorCode.UNSUPPORTED_OPSET,
    );
    expect(error(() => buildGraph(model([], { opsets: [{ domain: 'com.microsoft', version: 1 }] }))).code).toBe(
      OnnxErrorCode.UNSUPPORTED_OPSET,
    );
  });

  it('allows nodes of other domains', () => {
    const m = model([{ ...node('f', 'FusedConv', ['x'], ['y']), domain: 'com.microsoft' }], {
      opsets: [
        { domain: '', version: 17 },
        { domain: 'com.microsoft', version: 1 },
      ],
    });
    expect(buildGraph(m).nodes[0].domain).toBe('com.microsoft');
  });

  it('rejects an empty graph', () => {
    const e = error(() => buildGraph(model([], { outputs: [] })));
    expect(e.code).toBe(OnnxErrorCode.EMPTY_GRAPH);
  });

  it('builds every shared file', () => {
    const dirs = ['graphs', 'generated', 'models', 'third_party'];
    const files = dirs.flatMap((d) =>
      readdirSync(fixturePath(d))
        .filter((f) => f.endsWith('.onnx'))
        .map((f) => `${d}/${f}`),
    );
    for (const f of files) expect(() => buildGraph(decodeWholeFile(fixtureFile(f)))).not.toThrow();
  });
});
