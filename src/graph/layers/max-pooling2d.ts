import type { LayerSpec } from '../types';
import { NO_PARAMS, checkRank, ok, pair, paddingArg } from './common';
import { spatialOutput } from './conv2d';

export const MaxPooling2D: LayerSpec = {
  className: 'MaxPooling2D',
  label: 'MaxPooling2D',
  category: 'pooling',
  description: 'Keeps the maximum of each window over height and width, per channel.',
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
    const rank = checkRank('MaxPooling2D', input, 4);
    if (rank) return rank;
    const pool = pair(config.pool_size);
    const strides = config.strides === null ? pool : pair(config.strides);
    const out = spatialOutput('MaxPooling2D', input, pool, strides, config.padding as string, 'pool_size');
    if (!out.ok) return out.result;
    return ok([input[0], out.dims[0], out.dims[1], input[3]]);
  },
  paramCount: () => NO_PARAMS,
};
