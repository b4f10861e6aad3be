import type { ArgSpec, ArgValue, LayerConfig, LayerSpec } from './types';
import { Activation } from './layers/activation';
import { Add } from './layers/add';
import { BatchNormalization } from './layers/batch-normalization';
import { Concatenate } from './layers/concatenate';
import { Conv2D } from './layers/conv2d';
import { Dense } from './layers/dense';
import { Dropout } from './layers/dropout';
import { Flatten } from './layers/flatten';
import { GlobalAveragePooling2D } from './layers/global-average-pooling2d';
import { InputLayer } from './layers/input-layer';
import { MaxPooling2D } from './layers/max-pooling2d';
import { Normalization } from './layers/normalization';
import { Rescaling } from './layers/rescaling';
import { Reshape } from './layers/reshape';

/** Palette order: inputs first, then roughly the order a model is built in. */
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
      const n = arg.length ?? 2;
      const good = (v: unknown) => isInt(v) && inBounds(arg, v);
      const okValue = Array.isArray(value) ? value.length === n && value.every(good) : good(value);
      return okValue ? null : `${key} must be an integer${bounds(arg)} or a list of ${n} such integers`;
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
  const arg = spec.args.find((a) => a.key === key);
  if (!arg) return `${className} has no argument ${key}`;
  return checkArgValue(arg, value);
}
