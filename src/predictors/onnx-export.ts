/**
 * Exports a folded MLP as an ONNX model: input `x` [N, F] float32 → (Gemm → Relu)* → Gemm → output `log_us`
 * [N, 1]. The feature standardisation is already folded into the first Gemm, so the file is self-contained.
 */
import { onnx } from 'onnx-proto';
import { FoldedMlp } from './mlp';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function tensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, floatData: values };
}

export function exportMlpToOnnx(mlp: FoldedMlp, graphName = 'tiersplit_predictor'): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  let current = 'x';
  mlp.layers.forEach((layer, i) => {
    const units = layer.bias.length;
    initializer.push(tensor(`w${i}`, [layer.weights.length, units], layer.weights.flat()));
    initializer.push(tensor(`b${i}`, [units], layer.bias));
    const last = i === mlp.layers.length - 1;
    const out = last ? 'log_us' : `h${i}`;
    nodes.push({
      name: `gemm${i}`,
      opType: 'Gemm',
      input: [current, `w${i}`, `b${i}`],
      output: [last ? out : `${out}_pre`],
    });
    if (!last) nodes.push({ name: `relu${i}`, opType: 'Relu', input: [`${out}_pre`], output: [out] });
    current = out;
  });
  const valueInfo = (name: string, dims: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'tiersplit',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: graphName,
      node: nodes,
      initializer,
      input: [valueInfo('x', ['N', mlp.inputSize])],
      output: [valueInfo('log_us', ['N', 1])],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}
