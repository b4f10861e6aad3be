import type { ArgSpec } from '../types';

/** The window args every convolution shares; `length` is 1 for Conv1D and 2 for the 2-D kinds. */
export const filtersArg: ArgSpec = {
  key: 'filters',
  label: 'Filters',
  kind: 'int',
  default: 32,
  min: 1,
  help: 'Number of output channels.',
};

export function kernelArg(length: number): ArgSpec {
  return {
    key: 'kernel_size',
    label: 'Kernel size',
    kind: 'intTuple',
    length,
    default: Array(length).fill(3),
    min: 1,
    max: 64,
    help: length === 1 ? 'Length of each kernel.' : 'Height and width of each kernel.',
  };
}

export function stridesArg(length: number): ArgSpec {
  return {
    key: 'strides',
    label: 'Strides',
    kind: 'intTuple',
    length,
    default: Array(length).fill(1),
    min: 1,
    max: 64,
    help: length === 1 ? 'Step between windows.' : 'Step between windows along height and width.',
  };
}

export const depthMultiplierArg: ArgSpec = {
  key: 'depth_multiplier',
  label: 'Depth multiplier',
  kind: 'int',
  default: 1,
  min: 1,
  help: 'Output channels per input channel in the depthwise step.',
};

/** `3` and `[3]` both mean a window of 3. */
export function single(value: unknown): number {
  return typeof value === 'number' ? value : (value as number[])[0];
}
