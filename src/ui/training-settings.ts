import type { z } from 'zod';
import {
  LOSSES,
  LOSS_NAMES,
  OPTIMIZERS,
  OPTIMIZER_NAMES,
  compileExtras,
  experimentSchema,
  fitExtras,
  lossConfigSchema,
  optimizerConfigSchema,
  type ExperimentSpec,
  type KerasLossName,
  type KerasOptimizerName,
  type LossConfig,
  type OptimizerConfig,
} from '../experiment/spec';
import { KERAS_OPTIMIZER_DEFAULTS } from '../experiment/keras-defaults';
import type { ArgSpec, ArgValue } from '../graph/types';

/**
 * The Keras compile/fit options the "Compile & fit" panel edits, one entry per field. Each entry reads its
 * value from a spec and writes it back, and is validated by spec.ts's own zod schema for that field, so the
 * panel has no second set of rules. `arg` is what ArgField renders: its `key` is the setting's id, its
 * `label` Keras's argument name. A value of null means "Keras's default": the argument is left out of the
 * spec, as a Keras script leaves it out of the call.
 */
export interface Setting {
  id: string;
  arg: ArgSpec;
  schema: z.ZodType;
  get(spec: ExperimentSpec): ArgValue | undefined;
  set(spec: ExperimentSpec, value: ArgValue | null): ExperimentSpec;
}

export type Applied = { ok: true; spec: ExperimentSpec } | { ok: false; reason: string };

/** Checks `value` with the setting's schema and writes it; a refusal names the argument and the rule. */
export function applySetting(spec: ExperimentSpec, setting: Setting, value: ArgValue | null): Applied {
  if (value !== null) {
    const parsed = setting.schema.safeParse(value);
    if (!parsed.success) {
      return { ok: false, reason: `${setting.arg.label}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    }
  }
  if (value === null && !setting.arg.nullable)
    return { ok: false, reason: `${setting.arg.label} needs a value.` };
  return { ok: true, spec: setting.set(spec, value) };
}

type OptimizerArg = Exclude<keyof OptimizerConfig, 'name' | 'learning_rate'>;

const OPTIMIZER_HELP: Record<OptimizerArg, string> = {
  momentum: 'Velocity kept from past steps (0 = plain SGD).',
  nesterov: 'Look ahead along the velocity before taking the gradient.',
  beta_1: 'Decay of the running mean of gradients.',
  beta_2: 'Decay of the running mean of squared gradients.',
  epsilon: 'Added to the denominator so it is never zero.',
  amsgrad: 'Use the maximum of past squared gradients (AMSGrad).',
  rho: 'Decay of the running mean of squared gradients.',
  centered: 'Divide by the gradient variance instead of its second moment.',
  initial_accumulator_value: 'Starting value of the squared-gradient sums.',
};

const defaultHelp = (value: ArgValue | undefined, why: string) =>
  `${why} Keras default: ${value === true ? 'True' : value === false ? 'False' : String(value)}. Empty = default.`;

/** The optimizer this spec trains with (the Keras-style config wins over the original field). */
export function optimizerName(spec: ExperimentSpec): KerasOptimizerName {
  return spec.compile.optimizerConfig?.name ?? spec.compile.optimizer;
}

export function lossName(spec: ExperimentSpec): KerasLossName {
  return spec.compile.lossConfig?.name ?? spec.compile.loss;
}

function withCompile(spec: ExperimentSpec, compile: ExperimentSpec['compile']): ExperimentSpec {
  return { ...spec, compile };
}

/** Sets or (undefined) removes one key of an object, keeping the rest. */
function put<T extends object>(object: T, key: string, value: unknown): T {
  const next = { ...object } as Record<string, unknown>;
  if (value === undefined || value === null) delete next[key];
  else next[key] = value;
  return next as T;
}

const optimizerSetting: Setting = {
  id: 'optimizer.name',
  arg: {
    key: 'optimizer.name',
    label: 'optimizer',
    kind: 'enum',
    default: 'adam',
    options: OPTIMIZER_NAMES,
    help: 'keras.optimizers.*: the learning_rate is the train bar’s.',
  },
  schema: optimizerConfigSchema.shape.name,
  get: optimizerName,
  set(spec, value) {
    const name = value as KerasOptimizerName;
    const defaults = KERAS_OPTIMIZER_DEFAULTS[name];
    // Arguments the new optimizer also takes are kept (RMSprop's momentum after SGD's); the rest would be refused.
    const kept = Object.entries(spec.compile.optimizerConfig ?? {}).filter(
      ([k]) => k !== 'name' && (k === 'learning_rate' || k in defaults),
    );
    const optimizerConfig = { ...Object.fromEntries(kept), name } as OptimizerConfig;
    const legacy = (OPTIMIZERS as readonly string[]).includes(name);
    return withCompile(spec, {
      ...spec.compile,
      optimizer: legacy ? (name as ExperimentSpec['compile']['optimizer']) : spec.compile.optimizer,
      optimizerConfig,
    });
  },
};

function optimizerArgSetting(key: OptimizerArg, name: KerasOptimizerName): Setting {
  const keras = KERAS_OPTIMIZER_DEFAULTS[name][key];
  const bool = typeof keras === 'boolean';
  return {
    id: `optimizer.${key}`,
    arg: {
      key: `optimizer.${key}`,
      label: key,
      kind: bool ? 'bool' : 'float',
      default: keras ?? null,
      nullable: !bool,
      help: defaultHelp(keras, OPTIMIZER_HELP[key]),
    },
    schema: optimizerConfigSchema.shape[key],
    get: (spec) => spec.compile.optimizerConfig?.[key],
    set(spec, value) {
      const base: OptimizerConfig = spec.compile.optimizerConfig ?? { name: optimizerName(spec) };
      // A checkbox back at Keras's default is left out, like an empty number field.
      const stored = value === keras ? undefined : value;
      return withCompile(spec, { ...spec.compile, optimizerConfig: put(base, key, stored) });
    },
  };
}

/** The optimizer picker and the arguments of the optimizer chosen now (learning_rate is the train bar's). */
export function optimizerSettings(spec: ExperimentSpec): Setting[] {
  const name = optimizerName(spec);
  const keys = Object.keys(KERAS_OPTIMIZER_DEFAULTS[name]).filter((k) => k !== 'learning_rate');
  return [optimizerSetting, ...keys.map((k) => optimizerArgSetting(k as OptimizerArg, name))];
}

const CLIP_HELP = {
  clipnorm: 'Rescale each gradient so its norm is at most this.',
  clipvalue: 'Clip every gradient element to [−value, value].',
  global_clipnorm: 'Rescale all gradients together so their joint norm is at most this.',
} as const;

function clipSetting(key: keyof typeof CLIP_HELP): Setting {
  return {
    id: `compile.${key}`,
    arg: {
      key: `compile.${key}`,
      label: key,
      kind: 'float',
      default: null,
      nullable: true,
      help: `${CLIP_HELP[key]} Keras default: None (off). Empty = off.`,
    },
    schema: compileExtras[key],
    get: (spec) => spec.compile[key],
    set: (spec, value) => withCompile(spec, put(spec.compile, key, value)),
  };
}

export const CLIP_SETTINGS: Setting[] = [
  clipSetting('clipnorm'),
  clipSetting('clipvalue'),
  clipSetting('global_clipnorm'),
];

const CROSS_ENTROPIES: readonly KerasLossName[] = [
  'binary_crossentropy',
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
];

const lossSetting: Setting = {
  id: 'loss.name',
  arg: {
    key: 'loss.name',
    label: 'loss',
    kind: 'enum',
    default: 'categorical_crossentropy',
    options: LOSS_NAMES,
    help: 'The loss every output trains on unless the output sets its own.',
  },
  schema: lossConfigSchema.shape.name,
  get: lossName,
  set(spec, value) {
    const name = value as KerasLossName;
    const old: LossConfig = spec.compile.lossConfig ?? { name: spec.compile.loss };
    let lossConfig: LossConfig = { name };
    if (old.from_logits !== undefined && CROSS_ENTROPIES.includes(name))
      lossConfig.from_logits = old.from_logits;
    if (old.delta !== undefined && name === 'huber') lossConfig = { ...lossConfig, delta: old.delta };
    const legacy = (LOSSES as readonly string[]).includes(name);
    return withCompile(spec, {
      ...spec.compile,
      loss: legacy ? (name as ExperimentSpec['compile']['loss']) : spec.compile.loss,
      lossConfig,
    });
  },
};

function lossArgSetting(key: 'from_logits' | 'delta'): Setting {
  const keras = key === 'from_logits' ? false : 1;
  return {
    id: `loss.${key}`,
    arg: {
      key: `loss.${key}`,
      label: key,
      kind: key === 'from_logits' ? 'bool' : 'float',
      default: keras,
      nullable: key === 'delta',
      help: defaultHelp(
        keras,
        key === 'from_logits'
          ? 'The output is raw scores (no sigmoid/softmax): the loss applies it, more stably.'
          : 'Where Huber switches from squared to absolute error.',
      ),
    },
    schema: lossConfigSchema.shape[key],
    get: (spec) => spec.compile.lossConfig?.[key],
    set(spec, value) {
      const base: LossConfig = spec.compile.lossConfig ?? { name: spec.compile.loss };
      return withCompile(spec, {
        ...spec.compile,
        lossConfig: put(base, key, value === keras ? undefined : value),
      });
    },
  };
}

/** The loss picker and the arguments the chosen loss takes. */
export function lossSettings(spec: ExperimentSpec): Setting[] {
  const name = lossName(spec);
  const args: Setting[] = [];
  if (CROSS_ENTROPIES.includes(name)) args.push(lossArgSetting('from_logits'));
  if (name === 'huber') args.push(lossArgSetting('delta'));
  return [lossSetting, ...args];
}

const dataShape = experimentSchema.shape.data.shape;

/** Keras's `validation_freq` as one number, or a list of epochs ("1, 3, 5"). */
const validationFreqSetting: Setting = {
  id: 'fit.validation_freq',
  arg: {
    key: 'fit.validation_freq',
    label: 'validation_freq',
    kind: 'intTuple',
    default: 1,
    nullable: true,
    help: 'Validate every N epochs, or on the epochs listed (“1, 3, 5”). Keras default: 1. Empty = default.',
  },
  schema: fitExtras.validationFreq,
  get: (spec) => {
    const freq = spec.fit.validationFreq;
    return freq === undefined ? undefined : Array.isArray(freq) ? freq : [freq];
  },
  set(spec, value) {
    const list = Array.isArray(value) ? (value as number[]) : null;
    const freq = list && list.length === 1 ? list[0] : (list ?? undefined);
    return { ...spec, fit: put(spec.fit, 'validationFreq', freq === 1 ? undefined : freq) };
  },
};

export const FIT_SETTINGS: Setting[] = [
  {
    id: 'fit.shuffle',
    arg: {
      key: 'fit.shuffle',
      label: 'shuffle',
      kind: 'bool',
      default: true,
      help: 'Shuffle the training samples before each epoch. Keras default: True.',
    },
    schema: experimentSchema.shape.fit.shape.shuffle,
    get: (spec) => spec.fit.shuffle,
    set: (spec, value) => ({ ...spec, fit: { ...spec.fit, shuffle: value === true } }),
  },
  validationFreqSetting,
  {
    id: 'data.validation_split',
    arg: {
      key: 'data.validation_split',
      label: 'validation_split',
      kind: 'float',
      default: 0,
      help: 'Fraction of the data held out for validation (0 to 0.9). Keras default: 0.0.',
    },
    schema: dataShape.validationSplit,
    get: (spec) => spec.data.validationSplit,
    set: (spec, value) => ({ ...spec, data: { ...spec.data, validationSplit: value as number } }),
  },
  {
    id: 'seed',
    arg: {
      key: 'seed',
      label: 'seed',
      kind: 'int',
      default: 0,
      help: 'keras.utils.set_random_seed: the same seed gives the same initial weights, split and shuffles.',
    },
    schema: experimentSchema.shape.seed,
    get: (spec) => spec.seed,
    set: (spec, value) => ({ ...spec, seed: value as number }),
  },
];
