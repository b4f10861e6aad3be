import type { ArgValue, GraphNode, ModelGraph } from '../types';
import {
  codegenWith,
  kerasArgs,
  metricParts,
  outputLosses,
  outputWeights,
  plan,
  type CodegenMetric,
  type CodegenOptions,
  type ResolvedCodegen,
} from './plan';
import { sides } from '../layers/padding-sides';

/** A Python literal: tuples for lists (Keras's own spelling of shapes and windows), None/True/False. */
function py(value: ArgValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  const items = value.map((v) => (v === null ? 'None' : String(v)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** Kiln's flat four sides back to Keras's ((top, bottom), (left, right)). */
function pySides(value: ArgValue): string {
  if (!Array.isArray(value) || value.length !== 4) return py(value);
  const [t, b, l, r] = sides(value);
  return `((${t}, ${b}), (${l}, ${r}))`;
}

const RNN_KEYS = [
  'units',
  'activation',
  'recurrent_activation',
  'use_bias',
  'return_sequences',
  'reset_after',
];

/** `layers.Kind(arg=value, …, name="…")` for one layer. */
function constructor(node: GraphNode): string {
  const args = kerasArgs(node.className, node.config);
  if (node.className === 'Bidirectional') {
    const inner = args.filter(
      ([k]) => RNN_KEYS.includes(k) && !(k === 'reset_after' && node.config.layer !== 'GRU'),
    );
    const cell = (node.config.layer as string | undefined) ?? 'LSTM';
    const outer = args.filter(([k]) => k === 'merge_mode' || k === 'trainable');
    // Keras requires `units`; filled config always has it.
    if (!inner.some(([k]) => k === 'units')) inner.unshift(['units', node.config.units ?? 32]);
    const innerText = `layers.${cell}(${inner.map(([k, v]) => `${k}=${py(v)}`).join(', ')})`;
    return `layers.Bidirectional(${[innerText, ...outer.map(([k, v]) => `${k}=${py(v)}`), `name=${py(node.name)}`].join(', ')})`;
  }
  const text = args.map(([k, v]) => `${k}=${k === 'padding' || k === 'cropping' ? pySides(v) : py(v)}`);
  return `layers.${node.className}(${[...text, `name=${py(node.name)}`].join(', ')})`;
}

const OPTIMIZER_CLASSES = {
  adam: 'Adam',
  sgd: 'SGD',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
  adamax: 'Adamax',
} as const;

const LOSS_CLASSES: Record<string, string> = {
  binary_crossentropy: 'BinaryCrossentropy',
  categorical_crossentropy: 'CategoricalCrossentropy',
  sparse_categorical_crossentropy: 'SparseCategoricalCrossentropy',
  mean_squared_error: 'MeanSquaredError',
  mean_absolute_error: 'MeanAbsoluteError',
  huber: 'Huber',
  hinge: 'Hinge',
};

const METRIC_CLASSES: Record<string, string> = {
  accuracy: 'Accuracy',
  binary_accuracy: 'BinaryAccuracy',
  categorical_accuracy: 'CategoricalAccuracy',
  top_k_categorical_accuracy: 'TopKCategoricalAccuracy',
  precision: 'Precision',
  recall: 'Recall',
};

const keywords = (args: [string, ArgValue][]) => args.map(([k, v]) => `${k}=${py(v)}`).join(', ');

const SCHEDULE_CLASSES: Record<string, string> = {
  exponential_decay: 'ExponentialDecay',
  cosine_decay: 'CosineDecay',
  piecewise_constant: 'PiecewiseConstantDecay',
};

/** The learning rate: a number, or a keras.optimizers.schedules object starting from it. */
function learningRate(o: ResolvedCodegen): string {
  const schedule = o.schedule;
  const cls = schedule && SCHEDULE_CLASSES[schedule.name];
  if (!schedule || !cls) return String(o.learningRate);
  const args = Object.entries(schedule).filter(([k]) => k !== 'name');
  const value = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : py(v as ArgValue));
  // A piecewise schedule's rates are its `values`; the others start from the optimizer's rate.
  const initial = schedule.name === 'piecewise_constant' ? [] : [`initial_learning_rate=${o.learningRate}`];
  return `keras.optimizers.schedules.${cls}(${[...initial, ...args.map(([k, v]) => `${k}=${value(v)}`)].join(', ')})`;
}

function optimizer(o: ResolvedCodegen): string {
  const args = Object.entries(o.optimizerArgs ?? {}).map(([k, v]) => `${k}=${py(v)}`);
  const all = [`learning_rate=${learningRate(o)}`, ...args].join(', ');
  return `keras.optimizers.${OPTIMIZER_CLASSES[o.optimizer]}(${all})`;
}

/** The model's loss: its name, or `keras.losses.<Class>(from_logits=True, …)` when it has arguments. */
function lossOf(name: string, o: ResolvedCodegen): string {
  const args = Object.entries(o.lossArgs ?? {});
  const cls = LOSS_CLASSES[name];
  return args.length > 0 && cls ? `keras.losses.${cls}(${keywords(args)})` : py(name);
}

/** A metric: its name, or `keras.metrics.<Class>(k=3)` when it has arguments. */
function metricOf(metric: CodegenMetric): string {
  const { name, args } = metricParts(metric);
  const cls = METRIC_CLASSES[name];
  return args.length > 0 && cls ? `keras.metrics.${cls}(${keywords(args)})` : py(name);
}

/** fit's optional keyword arguments, each on its own line. */
function fitExtras(o: ResolvedCodegen): string[] {
  const extras: string[] = [];
  if (o.classWeight && Object.keys(o.classWeight).length > 0) {
    const entries = Object.entries(o.classWeight).map(([k, w]) => `${Number(k)}: ${w}`);
    extras.push(`class_weight={${entries.join(', ')}}`);
  }
  if (o.validationFreq !== undefined && o.validationFreq !== 1) {
    const f = o.validationFreq;
    extras.push(`validation_freq=${Array.isArray(f) ? `[${f.join(', ')}]` : f}`);
  }
  if (o.shuffle === false) extras.push('shuffle=False');
  if (o.earlyStoppingPatience !== undefined) {
    extras.push(
      `callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=${o.earlyStoppingPatience}, restore_best_weights=True)]`,
    );
  }
  return extras;
}

/**
 * The graph as Keras 3 Python with the functional API: inputs, one line per layer call (a shared layer is
 * created once and called at each call site), the model, compile and fit.
 */
export function kerasPython(graph: ModelGraph, options: CodegenOptions = {}): string {
  const o = codegenWith(options);
  const p = plan(graph);
  const lines = ['import keras', 'from keras import layers', ''];
  if (o.seed !== undefined) lines.push(`keras.utils.set_random_seed(${o.seed})`, '');
  for (const [ownerId, variable] of p.sharedLayer) {
    lines.push(`${variable} = ${constructor(p.byId.get(ownerId)!)}  # shared: one set of weights`);
  }
  for (const node of p.order) {
    const out = p.tensor.get(node.id)!;
    if (node.className === 'InputLayer') {
      const shape = (node.config.batch_shape as (number | null)[]).slice(1);
      const dtype = node.config.dtype === 'int32' ? ', dtype="int32"' : '';
      lines.push(`${out} = keras.Input(shape=${py(shape)}${dtype}, name=${py(node.name)})`);
      continue;
    }
    const ins = p.sources.get(node.id)!.map((s) => p.tensor.get(s)!);
    const arg = ins.length === 1 ? ins[0] : `[${ins.join(', ')}]`;
    const layer = p.sharedLayer.get(node.sharedWith ?? node.id) ?? constructor(node);
    lines.push(`${out} = ${layer}(${arg})`);
  }
  const { inputs, outputs } = p.analysis;
  const list = (ids: string[]) => `[${ids.map((id) => p.tensor.get(id)).join(', ')}]`;
  lines.push(
    '',
    `model = keras.Model(inputs=${list(inputs)}, outputs=${list(outputs)}, name=${py(o.modelName)})`,
  );
  const names = outputs.map((id) => p.byId.get(id)!.name);
  const losses = outputLosses(graph, outputs, o.loss);
  const weights = outputWeights(graph, outputs);
  const dict = (values: string[]) => `{${names.map((n, i) => `${py(n)}: ${values[i]}`).join(', ')}}`;
  // Heads that fall back to the model's loss take its arguments too; a head's own loss is a plain name.
  const lossText = (l: string, i: number) =>
    graph.outputs?.find((h) => h.nodeId === outputs[i])?.loss === undefined ? lossOf(l, o) : py(l);
  const loss = outputs.length === 1 ? lossText(losses[0], 0) : dict(losses.map(lossText));
  const lossWeights = weights.some((w) => w !== 1) ? `,\n    loss_weights=${dict(weights.map(String))}` : '';
  lines.push(
    'model.summary()',
    '',
    'model.compile(',
    `    optimizer=${optimizer(o)},`,
    `    loss=${loss}${lossWeights},`,
    `    metrics=[${o.metrics.map(metricOf).join(', ')}],`,
    ')',
    '',
    `# x: ${inputs.length === 1 ? 'an array' : `a list of ${inputs.length} arrays`} shaped like the inputs above; ` +
      `y: ${outputs.length === 1 ? 'the targets' : `a list of ${outputs.length} target arrays`}.`,
  );
  lines.push(
    'history = model.fit(',
    '    x,',
    '    y,',
    `    epochs=${o.epochs},`,
    `    batch_size=${o.batchSize},`,
    `    validation_split=${o.validationSplit},`,
    ...fitExtras(o).map((arg) => `    ${arg},`),
    ')',
    '',
  );
  return lines.join('\n');
}
