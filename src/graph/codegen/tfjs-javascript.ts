import type { ArgValue, GraphNode, ModelGraph } from '../types';
import {
  codegenWith,
  kerasArgs,
  metricParts,
  outputLosses,
  outputWeights,
  plan,
  type CodePlan,
  type CodegenMetric,
  type CodegenOptions,
  type ResolvedCodegen,
} from './plan';
import { sides } from '../layers/padding-sides';

/** snake_case Keras keys to tfjs's camelCase args. */
const camel = (key: string) => key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Keras class → tfjs factory, where the camel-cased class name is not it. */
const FACTORY: Record<string, string> = {
  Conv1D: 'conv1d',
  Conv2D: 'conv2d',
  Conv2DTranspose: 'conv2dTranspose',
  DepthwiseConv2D: 'depthwiseConv2d',
  SeparableConv2D: 'separableConv2d',
  MaxPooling2D: 'maxPooling2d',
  AveragePooling2D: 'averagePooling2d',
  GlobalAveragePooling2D: 'globalAveragePooling2d',
  GlobalMaxPooling2D: 'globalMaxPooling2d',
  UpSampling2D: 'upSampling2d',
  ZeroPadding2D: 'zeroPadding2d',
  Cropping2D: 'cropping2D',
  SimpleRNN: 'simpleRNN',
  LSTM: 'lstm',
  GRU: 'gru',
  ReLU: 'reLU',
  LeakyReLU: 'leakyReLU',
};

const LOSSES: Record<string, string> = {
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  mean_squared_error: 'meanSquaredError',
  mean_absolute_error: 'meanAbsoluteError',
};

function js(value: ArgValue): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return JSON.stringify(value);
}

/** One Keras arg as tfjs args: renamed, re-spelled, or dropped where tfjs has no such arg. */
function tfjsArg(
  node: GraphNode,
  key: string,
  value: ArgValue,
  shape: (number | null)[],
): [string, string][] {
  switch (key) {
    case 'activation':
    case 'recurrent_activation':
      return [[camel(key), js(value === 'hard_sigmoid' ? 'hardSigmoid' : value)]];
    case 'negative_slope':
      return node.className === 'LeakyReLU' ? [['alpha', js(value)]] : [];
    case 'padding':
    case 'cropping':
      if (node.className === 'ZeroPadding2D' || node.className === 'Cropping2D') {
        const [t, b, l, r] = sides(value);
        return [[key, `[[${t}, ${b}], [${l}, ${r}]]`]];
      }
      return [[key, js(value)]];
    case 'kernel_size':
    case 'strides':
      return node.className === 'Conv1D'
        ? [[camel(key), js((value as number[])[0] ?? value)]]
        : [[camel(key), js(value)]];
    case 'target_shape':
      // tfjs 4.22 leaves -1 unresolved symbolically; the inferred shape says the same thing resolved.
      return [['targetShape', js(shape.slice(1))]];
    case 'max_value':
      return value === null ? [] : [['maxValue', js(value)]];
    case 'seed':
    case 'threshold':
      return [];
    default:
      return [[camel(key), js(value)]];
  }
}

function factoryCall(node: GraphNode, p: CodePlan): string {
  const shape = p.analysis.shapes[node.id] as (number | null)[];
  const args = kerasArgs(node.className, node.config).flatMap(([k, v]) => tfjsArg(node, k, v, shape));
  if (node.className === 'MaxPooling2D' || node.className === 'AveragePooling2D') {
    // tfjs takes strides null literally; Keras means "the pool size".
    const i = args.findIndex(([k]) => k === 'strides');
    if (i >= 0 && args[i][1] === 'null') args.splice(i, 1);
  }
  const obj = (pairs: [string, string][]) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
  const named = (pairs: [string, string][]) => obj([...pairs, ['name', js(node.name)]]);
  switch (node.className) {
    case 'Bidirectional': {
      const cell = FACTORY[(node.config.layer as string) ?? 'LSTM'];
      const inner = args.filter(([k]) => !['layer', 'mergeMode', 'resetAfter'].includes(k));
      if (!inner.some(([k]) => k === 'units')) inner.unshift(['units', js(node.config.units ?? 32)]);
      const merge = args.filter(([k]) => k === 'mergeMode');
      return `tf.layers.bidirectional(${named([['layer', `tf.layers.${cell}(${obj(inner)})`], ...merge])})`;
    }
    case 'SpatialDropout2D':
      // tfjs has SpatialDropout1D only; a Dropout with this noise shape drops whole channels the same way.
      return `tf.layers.dropout(${named([...args, ['noiseShape', '[null, 1, 1, null]']])})`;
    case 'Subtract':
      return `new Subtract(${named([])})`;
    case 'Normalization':
      return `(() => { throw new Error('tfjs-layers 4.22 has no Normalization layer (Kiln adds its own)'); })()`;
    default: {
      const factory = FACTORY[node.className] ?? node.className[0].toLowerCase() + node.className.slice(1);
      return `tf.layers.${factory}(${named(args.filter(([k]) => k !== 'resetAfter'))})`;
    }
  }
}

const SUBTRACT = `// tfjs-layers 4.22 has every Keras merge layer but Subtract.
class Subtract extends tf.layers.Layer {
  static className = 'Subtract';
  computeOutputShape(shapes) { return shapes[0]; }
  call([a, b]) { return tf.sub(a, b); }
}
`;

/** tf.train's factory for a Keras optimizer, its positional arguments in Keras's names, and what tfjs lacks. */
const OPTIMIZER_ARGS: Record<
  ResolvedCodegen['optimizer'],
  { factory: string; args: [string, number | boolean][] }
> = {
  sgd: { factory: 'sgd', args: [] },
  adam: {
    factory: 'adam',
    args: [
      ['beta_1', 0.9],
      ['beta_2', 0.999],
      ['epsilon', 1e-7],
    ],
  },
  rmsprop: {
    factory: 'rmsprop',
    args: [
      ['rho', 0.9],
      ['momentum', 0],
      ['epsilon', 1e-7],
      ['centered', false],
    ],
  },
  adagrad: { factory: 'adagrad', args: [['initial_accumulator_value', 0.1]] },
  adadelta: {
    factory: 'adadelta',
    args: [
      ['rho', 0.95],
      ['epsilon', 1e-7],
    ],
  },
  adamax: {
    factory: 'adamax',
    args: [
      ['beta_1', 0.9],
      ['beta_2', 0.999],
      ['epsilon', 1e-7],
    ],
  },
};

/** `tf.train.*(…)` with the Keras arguments tfjs takes, and a note for those it does not. */
function optimizerOf(o: ResolvedCodegen): { call: string; notes: string[] } {
  const chosen = o.optimizerArgs ?? {};
  const momentum = chosen.momentum;
  if (o.optimizer === 'sgd' && typeof momentum === 'number' && momentum > 0) {
    const nesterov = chosen.nesterov === true ? ', true' : '';
    return {
      call: `tf.train.momentum(${o.learningRate}, ${momentum}${nesterov})`,
      notes: unsupported(chosen, ['momentum', 'nesterov']),
    };
  }
  const { factory, args } = OPTIMIZER_ARGS[o.optimizer];
  const used = args.map(([key]) => key);
  // Positional: write up to the last argument the user set, filling the ones before with Keras's defaults.
  const last = used.reduce((at, key, i) => (chosen[key] !== undefined ? i : at), -1);
  const values = args.slice(0, last + 1).map(([key, keras]) => String(chosen[key] ?? keras));
  return {
    call: `tf.train.${factory}(${[String(o.learningRate), ...values].join(', ')})`,
    notes: unsupported(chosen, used),
  };
}

function unsupported(chosen: Record<string, number | boolean>, used: string[]): string[] {
  return Object.entries(chosen)
    .filter(([key, value]) => !used.includes(key) && !(key === 'nesterov' && value === false))
    .map(([key, value]) => `// tfjs's optimizers have no ${key} (Kiln trains with ${key}=${String(value)}).`);
}

/** tfjs-layers 4.22's spelling of a Keras metric; null when it has none that works. */
const METRICS: Record<string, string | null> = {
  accuracy: "'accuracy'",
  binary_accuracy: "'binaryAccuracy'",
  categorical_accuracy: "'categoricalAccuracy'",
  sparse_categorical_accuracy: 'tf.metrics.sparseCategoricalAccuracy',
  precision: "'precision'",
  recall: 'tf.metrics.recall',
  mae: "'mae'",
  mean_absolute_error: "'mae'",
  top_k_categorical_accuracy: null,
};

function metricsOf(metrics: CodegenMetric[]): { list: string[]; notes: string[] } {
  const list: string[] = [];
  const notes: string[] = [];
  for (const metric of metrics) {
    const { name, args } = metricParts(metric);
    const spelled = METRICS[name] ?? null;
    if (spelled === null) notes.push(`// tfjs-layers 4.22 has no ${name}: it is left out here.`);
    else list.push(spelled);
    if (spelled !== null && args.length > 0)
      notes.push(`// tfjs's ${name} takes no arguments (${args.map(([k, v]) => `${k}=${v}`).join(', ')}).`);
  }
  return { list, notes };
}

/** fit's optional arguments tfjs takes, and notes for those it lacks. */
function fitExtras(o: ResolvedCodegen): { args: string[]; notes: string[] } {
  const args: string[] = [];
  const notes: string[] = [];
  if (o.classWeight && Object.keys(o.classWeight).length > 0) {
    args.push(
      `classWeight: { ${Object.entries(o.classWeight)
        .map(([k, w]) => `${Number(k)}: ${w}`)
        .join(', ')} },`,
    );
  }
  if (o.shuffle === false) args.push('shuffle: false,');
  if (o.validationFreq !== undefined && o.validationFreq !== 1) {
    notes.push(
      `// tfjs-layers 4.22 validates every epoch: Kiln validates with validation_freq=${JSON.stringify(o.validationFreq)}.`,
    );
  }
  return { args, notes };
}

/**
 * The graph as TF.js JavaScript (the body of a script with `tf` in scope): tf.input, tf.layers.*.apply,
 * tf.model, compile, and a `train(xs, ys)` that fits. Kinds tfjs lacks are added inline or explained.
 */
export function tfjsJavascript(graph: ModelGraph, options: CodegenOptions = {}): string {
  const o = codegenWith(options);
  const p = plan(graph);
  const lines: string[] = [];
  if (graph.nodes.some((n) => n.className === 'Subtract')) lines.push(SUBTRACT);
  for (const [ownerId, variable] of p.sharedLayer) {
    lines.push(`const ${variable} = ${factoryCall(p.byId.get(ownerId)!, p)}; // shared: one set of weights`);
  }
  for (const node of p.order) {
    const out = p.tensor.get(node.id)!;
    if (node.className === 'InputLayer') {
      const shape = (node.config.batch_shape as (number | null)[]).slice(1);
      const dtype = node.config.dtype === 'int32' ? ", dtype: 'int32'" : '';
      lines.push(`const ${out} = tf.input({ shape: ${js(shape)}${dtype}, name: ${js(node.name)} });`);
      continue;
    }
    const ins = p.sources.get(node.id)!.map((s) => p.tensor.get(s)!);
    const arg = ins.length === 1 ? ins[0] : `[${ins.join(', ')}]`;
    const layer = p.sharedLayer.get(node.sharedWith ?? node.id) ?? factoryCall(node, p);
    lines.push(`const ${out} = ${layer}.apply(${arg});`);
  }
  const { inputs, outputs } = p.analysis;
  const list = (ids: string[]) => `[${ids.map((id) => p.tensor.get(id)).join(', ')}]`;
  lines.push(
    '',
    `const model = tf.model({ inputs: ${list(inputs)}, outputs: ${list(outputs)}, name: ${js(o.modelName)} });`,
  );
  const losses = outputLosses(graph, outputs, o.loss).map((l) => js(LOSSES[l] ?? l));
  const optimizer = optimizerOf(o);
  const metrics = metricsOf(o.metrics);
  const fit = fitExtras(o);
  lines.push(...optimizer.notes, ...metrics.notes, ...fit.notes);
  if (o.schedule) {
    lines.push(
      `// tf.train's optimizers have no learning-rate schedules: Kiln trains with ${o.schedule.name}.`,
    );
  }
  if (o.lossArgs?.from_logits === true) {
    lines.push(
      "// tfjs-layers' losses take probabilities (no from_logits): end the model with softmax/sigmoid.",
    );
  }
  if (outputWeights(graph, outputs).some((w) => w !== 1)) {
    lines.push('// tfjs-layers 4.22 does not support loss weights: every output weighs 1 here.');
  }
  const loss = losses.length === 1 ? losses[0] : `[${losses.join(', ')}]`;
  lines.push(
    'model.summary();',
    `model.compile({ optimizer: ${optimizer.call}, loss: ${loss}, metrics: [${metrics.list.join(', ')}] });`,
    '',
    '// xs: a tensor (or an array, one per input) shaped like the inputs; ys: the targets.',
    'async function train(xs, ys) {',
    '  return model.fit(xs, ys, {',
    `    epochs: ${o.epochs},`,
    `    batchSize: ${o.batchSize},`,
    `    validationSplit: ${o.validationSplit},`,
    ...fit.args.map((arg) => `    ${arg}`),
    ...(o.earlyStoppingPatience !== undefined
      ? [
          `    callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: ${o.earlyStoppingPatience} }),`,
        ]
      : []),
    '  });',
    '}',
    '',
  );
  return lines.join('\n');
}
