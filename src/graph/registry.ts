import type { ArgSpec, ArgValue, LayerConfig, LayerSpec, ParamCount } from './types';
import { trainableArg } from './layers/common';
import { Activation } from './layers/activation';
import { Add } from './layers/add';
import { Average } from './layers/average';
import { AveragePooling2D } from './layers/average-pooling2d';
import { BatchNormalization } from './layers/batch-normalization';
import { Bidirectional } from './layers/bidirectional';
import { Concatenate } from './layers/concatenate';
import { Conv1D } from './layers/conv1d';
import { Conv2D } from './layers/conv2d';
import { Conv2DTranspose } from './layers/conv2d-transpose';
import { Cropping2D } from './layers/cropping2d';
import { Dense } from './layers/dense';
import { DepthwiseConv2D } from './layers/depthwise-conv2d';
import { Dropout } from './layers/dropout';
import { Embedding } from './layers/embedding';
import { Flatten } from './layers/flatten';
import { GaussianNoise } from './layers/gaussian-noise';
import { GlobalAveragePooling2D } from './layers/global-average-pooling2d';
import { GlobalMaxPooling2D } from './layers/global-max-pooling2d';
import { GRU } from './layers/gru';
import { InputLayer } from './layers/input-layer';
import { LayerNormalization } from './layers/layer-normalization';
import { LeakyReLU } from './layers/leaky-relu';
import { LSTM } from './layers/lstm';
import { MaxPooling2D } from './layers/max-pooling2d';
import { Maximum } from './layers/maximum';
import { Multiply } from './layers/multiply';
import { Normalization } from './layers/normalization';
import { Permute } from './layers/permute';
import { ReLU } from './layers/relu';
import { RepeatVector } from './layers/repeat-vector';
import { Rescaling } from './layers/rescaling';
import { Reshape } from './layers/reshape';
import { SeparableConv2D } from './layers/separable-conv2d';
import { SimpleRNN } from './layers/simple-rnn';
import { Softmax } from './layers/softmax';
import { SpatialDropout2D } from './layers/spatial-dropout2d';
import { Subtract } from './layers/subtract';
import { UpSampling2D } from './layers/up-sampling2d';
import { ZeroPadding2D } from './layers/zero-padding2d';

/**
 * Palette order: the foundation's kinds first (inputs, then roughly the order a model is built in), then the
 * issue-4 kinds grouped by what they are for.
 */
const SPECS: readonly LayerSpec[] = [
  InputLayer,
  Dense,
  Dropout,
  Flatten,
  Conv2D,
  MaxPooling2D,
  GlobalAveragePooling2D,
  BatchNormalization,
  Rescaling,
  Normalization,
  Activation,
  Reshape,
  Concatenate,
  Add,
  Embedding,
  SimpleRNN,
  LSTM,
  GRU,
  Bidirectional,
  Conv1D,
  DepthwiseConv2D,
  SeparableConv2D,
  Conv2DTranspose,
  AveragePooling2D,
  GlobalMaxPooling2D,
  LayerNormalization,
  GaussianNoise,
  SpatialDropout2D,
  UpSampling2D,
  ZeroPadding2D,
  Cropping2D,
  RepeatVector,
  Permute,
  ReLU,
  LeakyReLU,
  Softmax,
  Multiply,
  Average,
  Subtract,
  Maximum,
];

const BY_NAME: ReadonlyMap<string, LayerSpec> = new Map(SPECS.map((s) => [s.className, s]));

export function getLayerSpec(className: string): LayerSpec | undefined {
  return BY_NAME.get(className);
}

export function listLayerSpecs(): readonly LayerSpec[] {
  return SPECS;
}

/** The config with every missing arg set to its Keras default; unknown keys are kept (lossless round trip). */
export function fillConfig(className: string, config: LayerConfig): LayerConfig {
  const spec = BY_NAME.get(className);
  if (!spec) return { ...config };
  const filled: LayerConfig = { ...config };
  for (const arg of spec.args) {
    if (filled[arg.key] === undefined) filled[arg.key] = copy(arg.default);
  }
  return filled;
}

function copy(value: ArgValue): ArgValue {
  return Array.isArray(value) ? ([...value] as ArgValue) : value;
}

function bounds(arg: ArgSpec): string {
  const parts: string[] = [];
  if (arg.min !== undefined) parts.push(`${arg.exclusiveMin ? '>' : '≥'} ${arg.min}`);
  if (arg.max !== undefined) parts.push(`${arg.exclusiveMax ? '<' : '≤'} ${arg.max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

function inBounds(arg: ArgSpec, n: number): boolean {
  if (arg.min !== undefined && (arg.exclusiveMin ? n <= arg.min : n < arg.min)) return false;
  if (arg.max !== undefined && (arg.exclusiveMax ? n >= arg.max : n > arg.max)) return false;
  return true;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function kindReason(arg: ArgSpec, value: ArgValue): string | null {
  const key = arg.key;
  switch (arg.kind) {
    case 'int':
      return isInt(value) && inBounds(arg, value) ? null : `${key} must be an integer${bounds(arg)}`;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) && inBounds(arg, value)
        ? null
        : `${key} must be a number${bounds(arg)}`;
    case 'bool':
      return typeof value === 'boolean' ? null : `${key} must be true or false`;
    case 'enum':
      return typeof value === 'string' && arg.options?.includes(value)
        ? null
        : `${key} must be one of ${arg.options?.join(', ')}`;
    case 'string':
      return typeof value === 'string' && value.length > 0 ? null : `${key} must be a non-empty string`;
    case 'intTuple': {
      const lengths = [arg.length ?? 2, ...(arg.lengths ?? [])];
      const good = (v: unknown) => isInt(v) && inBounds(arg, v);
      const okValue = Array.isArray(value)
        ? lengths.includes(value.length) && value.every(good)
        : good(value);
      return okValue
        ? null
        : `${key} must be an integer${bounds(arg)} or a list of ${lengths.join(' or ')} such integers`;
    }
    case 'shape':
      return Array.isArray(value) ? null : `${key} must be a list of dimensions`;
  }
}

/** The reason `value` is refused for `arg`, or null when it is valid. One place writes every arg message. */
export function checkArgValue(arg: ArgSpec, value: ArgValue | undefined): string | null {
  if (value === undefined) return `${arg.key} is missing`;
  if (value === null) return arg.nullable ? null : `${arg.key} must not be null`;
  return kindReason(arg, value) ?? arg.check?.(value) ?? null;
}

/** Why `value` is refused for `className`'s arg `key` (e.g. "units must be an integer ≥ 1"), or null if valid. */
export function validateArg(className: string, key: string, value: ArgValue): string | null {
  const spec = BY_NAME.get(className);
  if (!spec) return `unknown layer kind ${className}`;
  const arg =
    spec.args.find((a) => a.key === key) ?? (key === 'trainable' ? trainableSpec(className) : undefined);
  if (!arg) return `${className} has no argument ${key}`;
  return checkArgValue(arg, value);
}

/** The `trainable` arg of a layer kind: every known kind but InputLayer takes it. */
export function trainableSpec(className: string): ArgSpec | undefined {
  return BY_NAME.has(className) && className !== 'InputLayer' ? trainableArg : undefined;
}

/** False only when the config freezes the layer (`trainable: false`); a missing key means trainable. */
export function isTrainable(config: LayerConfig): boolean {
  return config.trainable !== false;
}

/** Keras semantics: a frozen layer's weights are all non-trainable (BatchNormalization's gamma/beta too). */
export function applyTrainable(count: ParamCount, config: LayerConfig): ParamCount {
  return isTrainable(config) ? count : { trainable: 0, nonTrainable: count.trainable + count.nonTrainable };
}
