import type { LayerSpec } from '../types';
import { NO_PARAMS, checkRank, ok, pair, paddingArg } from './common';
import { spatialOutput } from './conv2d';

/** MaxPooling2D and AveragePooling2D differ only in what they compute per window, never in shape. */
export function pooling2d(className: string, description: string, docs: string): LayerSpec {
  return {
    className,
    label: className,
    category: 'pooling',
    description,
    docs,
    inputs: { min: 1, max: 1 },
    args: [
      {
        key: 'pool_size',
        label: 'Pool size',
        kind: 'intTuple',
        length: 2,
        default: [2, 2],
        min: 1,
        max: 64,
        help: 'Height and width of each window.',
      },
      {
        key: 'strides',
        label: 'Strides',
        kind: 'intTuple',
        length: 2,
        default: null,
        nullable: true,
        min: 1,
        max: 64,
        help: 'Step between windows; null means the pool size (windows do not overlap).',
      },
      paddingArg,
    ],
    inferShape([input], config) {
      const rank = checkRank(className, input, 4);
      if (rank) return rank;
      const pool = pair(config.pool_size);
      const strides = config.strides === null ? pool : pair(config.strides);
      const out = spatialOutput(className, input, pool, strides, config.padding as string, 'pool_size');
      if (!out.ok) return out.result;
      return ok([input[0], out.dims[0], out.dims[1], input[3]]);
    },
    paramCount: () => NO_PARAMS,
  };
}

export function globalPooling2d(className: string, description: string, docs: string): LayerSpec {
  return {
    className,
    label: className,
    category: 'pooling',
    description,
    docs,
    inputs: { min: 1, max: 1 },
    args: [],
    inferShape: ([input]) => checkRank(className, input, 4) ?? ok([input[0], input[3]]),
    paramCount: () => NO_PARAMS,
  };
}
