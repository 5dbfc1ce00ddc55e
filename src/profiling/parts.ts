/** What a rebuild of a stored model needs (its own file, so the rebuild and its size check share it without a cycle). */
import type { AttributeValue, Dim, OpsetImport } from '../onnx/types';
import type { TensorSpec } from './synth-tensor';

export interface PartValueInfo {
  name: string;
  elemType: number;
  shape: Dim[] | null;
}

export interface PartNode {
  /** The stored unique name: ORT's profile names its events after it, so they match our nodes exactly. */
  name: string;
  opType: string;
  domain: string;
  /** '' marks an omitted optional input, as in ONNX. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export interface ModelParts {
  irVersion: number;
  opsets: OpsetImport[];
  /** Graph inputs that are not initializers. */
  inputs: PartValueInfo[];
  outputs: PartValueInfo[];
  /** In topological order (ONNX requires it). */
  nodes: PartNode[];
  initializers: TensorSpec[];
}
