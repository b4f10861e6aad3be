import type { ArgValue, GraphAnalysis, GraphNode, LayerConfig, ModelGraph } from '../types';
import { analyzeGraph } from '../analyze';
import { fillConfig, getLayerSpec, isTrainable } from '../registry';

/** A metric as the code writes it: a Keras name, or a name with the arguments Keras's metric class takes. */
export type CodegenMetric = string | { name: string; k?: number; threshold?: number };

/** Keras's optimizers by `keras.optimizers` class; tfjs has a `tf.train` factory for each. */
export type CodegenOptimizer = 'adam' | 'sgd' | 'rmsprop' | 'adagrad' | 'adadelta' | 'adamax';

/** What the generated code compiles and fits with; every field has a default so a bare graph generates. */
export interface CodegenOptions {
  modelName?: string;
  optimizer?: CodegenOptimizer;
  learningRate?: number;
  /**
   * The optimizer's other Keras arguments (momentum, nesterov, beta_1…, clipnorm, clipvalue,
   * global_clipnorm), only those the user set: each is written as `name=value` after learning_rate.
   */
  optimizerArgs?: Record<string, number | boolean>;
  /**
   * A keras.optimizers.schedules schedule for the learning rate: its snake_case name (exponential_decay,
   * cosine_decay, piecewise_constant) and Keras arguments; the initial rate is `learningRate`.
   */
  schedule?: { name: string; [arg: string]: string | number | boolean | number[] };
  /** Keras loss name for outputs with no loss of their own (graph.outputs). */
  loss?: string;
  /** Arguments of that loss (from_logits, delta): when present it is written as a loss object. */
  lossArgs?: Record<string, number | boolean>;
  metrics?: CodegenMetric[];
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  /** When set, fit stops once val_loss has not improved for this many epochs (EarlyStopping). */
  earlyStoppingPatience?: number;
  /** Keras's `class_weight`: class index → weight. */
  classWeight?: Record<string, number>;
  /** Keras's `validation_freq`: every N epochs, or the epochs listed. */
  validationFreq?: number | number[];
  /** Written only when false (Keras shuffles by default). */
  shuffle?: boolean;
  /** Written as `keras.utils.set_random_seed(seed)`, so the run can be repeated. */
  seed?: number;
}

/** The options left out of the code unless set. */
type OptionalCodegen =
  | 'earlyStoppingPatience'
  | 'optimizerArgs'
  | 'schedule'
  | 'lossArgs'
  | 'classWeight'
  | 'validationFreq'
  | 'shuffle'
  | 'seed';

export const DEFAULT_CODEGEN: Required<Omit<CodegenOptions, OptionalCodegen>> = {
  modelName: 'functional',
  optimizer: 'adam',
  learningRate: 0.001,
  loss: 'categorical_crossentropy',
  metrics: ['accuracy'],
  epochs: 10,
  batchSize: 32,
  validationSplit: 0.2,
};

export type ResolvedCodegen = typeof DEFAULT_CODEGEN & Pick<CodegenOptions, OptionalCodegen>;

/** The options with every default filled in. */
export function codegenWith(options: CodegenOptions): ResolvedCodegen {
  const chosen = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_CODEGEN, ...chosen };
}

/** Metric name and arguments, whichever way it was given. */
export function metricParts(metric: CodegenMetric): { name: string; args: [string, number][] } {
  if (typeof metric === 'string') return { name: metric, args: [] };
  const args: [string, number][] = [];
  if (metric.k !== undefined) args.push(['k', metric.k]);
  // Precision and Recall take a list of `thresholds`; the accuracies take one `threshold`.
  const key = metric.name === 'precision' || metric.name === 'recall' ? 'thresholds' : 'threshold';
  if (metric.threshold !== undefined) args.push([key, metric.threshold]);
  return { name: metric.name, args };
}

/** Args Keras requires (no default): always written, even when equal to Kiln's default. */
const REQUIRED: Record<string, readonly string[]> = {
  Dense: ['units'],
  Conv1D: ['filters', 'kernel_size'],
  Conv2D: ['filters', 'kernel_size'],
  SeparableConv2D: ['filters', 'kernel_size'],
  Conv2DTranspose: ['filters', 'kernel_size'],
  DepthwiseConv2D: ['kernel_size'],
  Dropout: ['rate'],
  SpatialDropout2D: ['rate'],
  Embedding: ['input_dim', 'output_dim'],
  SimpleRNN: ['units'],
  LSTM: ['units'],
  GRU: ['units'],
  Bidirectional: ['units'],
  RepeatVector: ['n'],
  Permute: ['dims'],
  Reshape: ['target_shape'],
  Rescaling: ['scale'],
  GaussianNoise: ['stddev'],
  Activation: ['activation'],
};

const same = (a: ArgValue | undefined, b: ArgValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** The spec args of a config that differ from Keras's defaults (or that Keras requires), in spec order. */
export function kerasArgs(className: string, config: LayerConfig): [string, ArgValue][] {
  const spec = getLayerSpec(className);
  if (!spec) return [];
  const filled = fillConfig(className, config);
  const required = REQUIRED[className] ?? [];
  const args = spec.args
    .filter((a) => required.includes(a.key) || !same(filled[a.key], a.kerasDefault ?? a.default))
    .map((a): [string, ArgValue] => [a.key, filled[a.key]]);
  // A frozen layer says so; Keras's default is trainable.
  if (className !== 'InputLayer' && !isTrainable(filled)) args.push(['trainable', false]);
  return args;
}

const PY_RESERVED = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield keras layers model ' +
    'tf const let var new function this delete typeof void default switch case catch throw'
  ).split(' '),
);

/** A variable name both languages accept, unique within the program. */
function identifier(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(base)) base = `_${base}`;
  if (PY_RESERVED.has(base)) base = `${base}_`;
  let v = base;
  for (let k = 1; taken.has(v); k++) v = `${base}_${k}`;
  taken.add(v);
  return v;
}

export interface CodePlan {
  analysis: GraphAnalysis;
  /** Nodes in the order to emit them (topological). */
  order: GraphNode[];
  /** Tensor variable of each node's output. */
  tensor: Map<string, string>;
  /** Layer-object variable of each shared layer (owner id → name); unshared layers are applied inline. */
  sharedLayer: Map<string, string>;
  /** Sources of each node's inputs, by slot. */
  sources: Map<string, string[]>;
  byId: Map<string, GraphNode>;
}

/** Everything both generators need, computed once; the graph must analyze without errors. */
export function plan(graph: ModelGraph): CodePlan {
  const analysis = analyzeGraph(graph);
  if (analysis.errors.length) {
    throw new Error(`Fix the graph before generating code: ${analysis.errors[0].message}`);
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const taken = new Set<string>();
  const tensor = new Map<string, string>();
  const sharedLayer = new Map<string, string>();
  for (const n of graph.nodes) if (n.sharedWith) sharedLayer.set(n.sharedWith, '');
  const order = analysis.order.map((id) => byId.get(id)!);
  for (const node of order) {
    if (sharedLayer.get(node.id) === '') sharedLayer.set(node.id, identifier(`${node.name}_layer`, taken));
  }
  const calls = new Map<string, number>();
  for (const node of order) {
    const layer = node.sharedWith ?? node.id;
    const k = calls.get(layer) ?? 0;
    calls.set(layer, k + 1);
    tensor.set(node.id, identifier(k === 0 ? node.name : `${node.name}_call${k}`, taken));
  }
  const sources = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = sources.get(e.target) ?? sources.set(e.target, []).get(e.target)!;
    list[e.targetSlot] = e.source;
  }
  return { analysis, order, tensor, sharedLayer, sources, byId };
}

/** Per-output losses: the output's own, else the default one. */
export function outputLosses(graph: ModelGraph, outputs: string[], fallback: string): string[] {
  return outputs.map((id) => graph.outputs?.find((o) => o.nodeId === id)?.loss ?? fallback);
}

export function outputWeights(graph: ModelGraph, outputs: string[]): number[] {
  return outputs.map((id) => graph.outputs?.find((o) => o.nodeId === id)?.lossWeight ?? 1);
}
