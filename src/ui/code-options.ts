import type { ExperimentSpec } from '../experiment/spec';
import type { CodegenOptions } from '../graph/index';
import { DATASET_CLASS_NAMES } from '../data/class-names';

/**
 * The experiment's training settings as the code view writes them: what Kiln runs is what the code runs.
 * Only the Keras arguments the spec sets are passed on, so the code leaves Keras's defaults out as a person
 * writing it would.
 */
export function codegenOptions(spec: ExperimentSpec): CodegenOptions {
  const c = spec.compile;
  const early = spec.fit.callbacks?.find((c) => c.name === 'EarlyStopping');
  const { name: _name, learning_rate, ...optimizerArgs } = c.optimizerConfig ?? { name: c.optimizer };
  const clip = { clipnorm: c.clipnorm, clipvalue: c.clipvalue, global_clipnorm: c.global_clipnorm };
  const { name: _loss, ...lossArgs } = c.lossConfig ?? { name: c.loss };
  return {
    modelName: modelName(spec.name),
    optimizer: c.optimizerConfig?.name ?? c.optimizer,
    learningRate: learning_rate ?? c.learningRate,
    optimizerArgs: defined({ ...optimizerArgs, ...clip }),
    ...(c.schedule && c.schedule.name !== 'constant' ? { schedule: c.schedule } : {}),
    loss: c.lossConfig?.name ?? c.loss,
    lossArgs: defined(lossArgs),
    metrics: (c.metrics ?? [{ name: 'accuracy' }]).map((m) =>
      m.k === undefined && m.threshold === undefined ? m.name : m,
    ),
    epochs: spec.fit.epochs,
    batchSize: spec.fit.batchSize,
    validationSplit: spec.data.validationSplit,
    ...(early ? { earlyStoppingPatience: early.patience ?? 0 } : {}),
    ...(spec.fit.classWeight ? { classWeight: everyClass(spec.fit.classWeight, spec) } : {}),
    ...(spec.fit.validationFreq !== undefined ? { validationFreq: spec.fit.validationFreq } : {}),
    shuffle: spec.fit.shuffle,
    seed: spec.seed,
  };
}

/**
 * A weight for every class of the dataset, 1 where the spec sets none (what Kiln trains with): tfjs refuses a
 * classWeight that misses a class, and Keras's tf.data path cannot look up a class above the largest key.
 */
function everyClass(weights: Record<string, number>, spec: ExperimentSpec): Record<string, number> {
  const names = DATASET_CLASS_NAMES[spec.data.dataset];
  return Object.fromEntries(names.map((_, i) => [String(i), weights[String(i)] ?? 1]));
}

/** The entries that are set, or undefined when none is. */
function defined(
  args: Record<string, number | boolean | undefined>,
): Record<string, number | boolean> | undefined {
  const set = Object.entries(args).filter((e): e is [string, number | boolean] => e[1] !== undefined);
  return set.length > 0 ? Object.fromEntries(set) : undefined;
}

/** "Blobs MLP" → "blobs_mlp": a Keras model name. */
function modelName(name: string): string {
  const snake = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(snake) ? snake : `model_${snake}`;
}
