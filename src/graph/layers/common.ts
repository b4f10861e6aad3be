import type { ArgSpec, ArgValue, InferResult, LayerConfig, ParamCount, Shape } from '../types';
import { formatShape } from '../shape';

/** Keras activation names that tfjs-layers 4.22 can also build. */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'softmax',
  'tanh',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'gelu',
  'hard_sigmoid',
] as const;

export const NO_PARAMS: ParamCount = { trainable: 0, nonTrainable: 0 };

export function activationArg(defaultValue: string): ArgSpec {
  return {
    key: 'activation',
    label: 'Activation',
    kind: 'enum',
    default: defaultValue,
    options: ACTIVATIONS,
    help: 'Applied element-wise to the output; `linear` leaves it unchanged.',
  };
}

export const useBiasArg: ArgSpec = {
  key: 'use_bias',
  label: 'Use bias',
  kind: 'bool',
  default: true,
  help: 'Adds a learned bias vector to the output.',
};

/**
 * Keras's `trainable`: every layer but an Input takes it. Kept out of each spec's `args` (a config without it is
 * trainable, so configs stay as Keras writes them); the registry accepts it centrally.
 */
export const trainableArg: ArgSpec = {
  key: 'trainable',
  label: 'Trainable',
  kind: 'bool',
  default: true,
  help: 'Unticked, the layer is frozen: training leaves its weights as they are (Keras `trainable=False`).',
};

/** BatchNormalization and LayerNormalization share Keras's epsilon, center and scale, with the same defaults. */
export const normalizationArgs: readonly ArgSpec[] = [
  {
    key: 'epsilon',
    label: 'Epsilon',
    kind: 'float',
    default: 0.001,
    min: 0,
    exclusiveMin: true,
    help: 'Added to the variance so it never divides by zero.',
  },
  { key: 'center', label: 'Center', kind: 'bool', default: true, help: 'Learn an offset (beta).' },
  { key: 'scale', label: 'Scale', kind: 'bool', default: true, help: 'Learn a scale (gamma).' },
];

export const paddingArg: ArgSpec = {
  key: 'padding',
  label: 'Padding',
  kind: 'enum',
  default: 'valid',
  options: ['valid', 'same'],
  help: '`valid` keeps only full windows; `same` pads so the output is ceil(input / stride).',
};

/** Keras accepts `3` or `[3, 3]` for a 2-D window; both mean the same. */
export function pair(value: ArgValue): [number, number] {
  if (typeof value === 'number') return [value, value];
  const [a, b] = value as number[];
  return [a, b];
}

export function ok(shape: Shape): InferResult {
  return { ok: true, shape };
}

export function fail(expected: string, found: Shape | string, message: string, arg?: string): InferResult {
  const foundText = typeof found === 'string' ? found : formatShape(found);
  return arg === undefined
    ? { ok: false, expected, found: foundText, message }
    : { ok: false, expected, found: foundText, message, arg };
}

/** One place that checks input rank, so every rank message reads the same. */
export function checkRank(layer: string, shape: Shape, min: number, max = min): InferResult | null {
  if (shape.length >= min && shape.length <= max) return null;
  const want = min === max ? `rank ${min}` : max === Infinity ? `rank ≥ ${min}` : `rank ${min}–${max}`;
  const example = min === 4 && max === 4 ? ' (batch, height, width, channels)' : '';
  return fail(
    want,
    shape,
    `${layer} expects an input of ${want}${example}, found ${formatShape(shape)} (rank ${shape.length})`,
  );
}

/** Resolves a Keras axis (negative counts from the end) against a rank; `null` when out of range or batch. */
export function resolveAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 1 && a < rank ? a : null;
}

export function axisError(layer: string, axis: number, shape: Shape): InferResult {
  const rank = shape.length;
  return fail(
    `axis in [${-(rank - 1)}, ${rank - 1}] excluding the batch axis (0 or ${-rank})`,
    `axis ${axis}`,
    `${layer} axis ${axis} is out of range for an input of shape ${formatShape(shape)}; use 1…${rank - 1} or -1…${-(rank - 1)}`,
    'axis',
  );
}

export function num(config: LayerConfig, key: string): number {
  return config[key] as number;
}
