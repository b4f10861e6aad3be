/**
 * The model as data. Node kinds are Keras class names and their config keys are Keras config keys
 * (snake_case, as in `model.to_json()`), so a graph converts losslessly to a Keras/tfjs model JSON and back.
 */

/** One dimension of a symbolic shape; `null` is unknown (the batch dimension, or a variable length). */
export type Dim = number | null;
/** A symbolic tensor shape including the batch dimension at index 0, e.g. `[null, 28, 28, 1]`. */
export type Shape = Dim[];

export type ArgValue = number | string | boolean | null | number[] | (number | null)[];
export type LayerConfig = Record<string, ArgValue>;

export interface GraphNode {
  /** Stable identity used by edges, errors and the editor; never shown to users. */
  id: string;
  /** Keras class name, e.g. `Dense`, `InputLayer`. */
  className: string;
  /** Keras layer name, unique within the graph, e.g. `dense_1`. */
  name: string;
  /** Keras config args for this layer (snake_case keys). Missing keys take the spec's defaults. */
  config: LayerConfig;
  /** Where the editor draws the node; carried so a saved or shared graph reopens as it was laid out. */
  position: { x: number; y: number };
  /**
   * Set on a second (third…) call site of a shared layer: the id of the node that owns the layer. The call site
   * has its own edges but no weights or config of its own: the owner's config and weights are used, as when
   * Keras code calls one layer object twice. Owners never share with another node (no chains).
   */
  sharedWith?: string;
}

export interface GraphEdge {
  id: string;
  /** The node whose output tensor this edge carries. */
  source: string;
  /** The node that consumes it. */
  target: string;
  /** Which input of the target this tensor feeds (0 for single-input layers; order matters for Concatenate). */
  targetSlot: number;
}

/** Per-output training metadata: Keras `compile(loss={name: …}, loss_weights={name: …})`. */
export interface OutputSpec {
  /** An output node (one nothing consumes). */
  nodeId: string;
  /** Keras loss name, one of OUTPUT_LOSSES; absent means the experiment's loss. */
  loss?: string;
  /** Weight of this output's loss in the total; absent means 1. */
  lossWeight?: number;
}

export interface ModelGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Optional: the order of the model's outputs and their losses; outputs not listed follow in node order. */
  outputs?: OutputSpec[];
}

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/** Every validation failure is tied to the node that causes it, so the editor can draw it there. */
export type GraphError =
  | { kind: 'cycle'; nodeIds: string[]; message: string }
  | { kind: 'unconnected-input'; nodeId: string; slot: number; message: string }
  | { kind: 'input-count'; nodeId: string; expected: string; found: number; message: string }
  | { kind: 'shape-mismatch'; nodeId: string; expected: string; found: string; message: string }
  | { kind: 'invalid-arg'; nodeId: string; arg: string; message: string }
  | { kind: 'unknown-layer'; nodeId: string; className: string; message: string }
  | { kind: 'duplicate-name'; nodeId: string; name: string; message: string }
  | { kind: 'unused-input'; nodeId: string; message: string }
  | { kind: 'shared-layer'; nodeId: string; message: string }
  | { kind: 'invalid-output'; nodeId: string; message: string }
  | { kind: 'no-output'; message: string }
  | { kind: 'no-input'; message: string };

export type ArgKind = 'int' | 'float' | 'bool' | 'enum' | 'shape' | 'intTuple' | 'string';

/** Declares one Keras config arg: how the inspector edits it and how it is validated. */
export interface ArgSpec {
  key: string;
  label: string;
  kind: ArgKind;
  default: ArgValue;
  help: string;
  /** Allowed values for `enum` args (Keras spellings, e.g. `relu`, `same`). */
  options?: readonly string[];
  min?: number;
  max?: number;
  /** Tuple length for `intTuple` args (kernel_size, strides, pool_size…). */
  length?: number;
  /** Other tuple lengths an `intTuple` also accepts (ZeroPadding2D: [h, w] or [top, bottom, left, right]). */
  lengths?: readonly number[];
  /**
   * Keras's own default when Kiln's `default` differs (GRU reset_after: tfjs-layers 4.22 only implements
   * False). Code generation compares against this, so exported Keras code says what Kiln runs.
   */
  kerasDefault?: ArgValue;
  nullable?: boolean;
  /** Bounds are inclusive unless these say otherwise (Dropout's rate must stay below 1, epsilon above 0). */
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** Rules the kind alone cannot express (a batch shape starting with null, at most one -1); returns the reason. */
  check?: (value: ArgValue) => string | null;
}

export type LayerCategory =
  | 'input'
  | 'core'
  | 'convolution'
  | 'pooling'
  | 'normalization'
  | 'regularization'
  | 'reshaping'
  | 'merging'
  | 'activation';

/**
 * Result of a spec's shape function: a shape, or a reason with what was expected and found. `arg` is set when
 * the config, not the input, is at fault (an axis out of range for this rank): it becomes an invalid-arg error.
 */
export type InferResult =
  { ok: true; shape: Shape } | { ok: false; expected: string; found: string; message: string; arg?: string };

export interface LayerSpec {
  className: string;
  label: string;
  category: LayerCategory;
  /** One line: what the layer does, for the palette and the docs. */
  description: string;
  /** In-app docs: what the layer does, input → output shape, and where tfjs-layers 4.22 differs from Keras. */
  docs: string;
  /** How many input tensors it takes; InputLayer takes none. */
  inputs: { min: number; max: number };
  args: readonly ArgSpec[];
  /** Output shape from input shapes (batch dim included) and a config already filled with defaults. */
  inferShape(inputs: Shape[], config: LayerConfig): InferResult;
  paramCount(inputs: Shape[], config: LayerConfig): ParamCount;
  /**
   * Why tfjs-layers 4.22 cannot build this (valid Keras) config, or null. Kept apart from validation: the graph
   * stays a correct Keras model (and exports as one), but training in the browser refuses it up front.
   */
  tfjsLimitation?(config: LayerConfig): string | null;
}

/** What `analyzeGraph` knows about a graph: everything the editor, the summary and the builder need. */
export interface GraphAnalysis {
  /** Node ids in topological order (Kahn, seeded in `graph.nodes` order: deterministic); cycles are left out. */
  order: string[];
  /** Output shape of every node whose shape could be inferred. */
  shapes: Record<string, Shape>;
  params: Record<string, ParamCount>;
  errors: GraphError[];
  /** InputLayer ids, in `graph.nodes` order: the model's inputs. */
  inputs: string[];
  /** Non-input nodes nothing consumes: the model's outputs, in `graph.outputs` order, then `graph.nodes` order. */
  outputs: string[];
  /** Each layer once: a shared layer's call sites repeat its count in `params` but add to the totals once. */
  totals: ParamCount;
}
