import type { LayerSpec } from '../types';
import { NO_PARAMS, checkRank, ok, pair } from './common';

export const UpSampling2D: LayerSpec = {
  className: 'UpSampling2D',
  label: 'UpSampling2D',
  category: 'reshaping',
  description: 'Repeats rows and columns to enlarge height and width by `size`.',
  docs:
    'Enlarges an image by repeating each row size[0] times and each column size[1] times (nearest) or by ' +
    'interpolating (bilinear); nothing is learned. Input → output: (None, H, W, C) → (None, H·sh, W·sw, C). ' +
    'tfjs-layers 4.22 offers nearest and bilinear only.',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'size',
      label: 'Size',
      kind: 'intTuple',
      length: 2,
      default: [2, 2],
      min: 1,
      max: 64,
      help: 'Upsampling factors for height and width.',
    },
    {
      key: 'interpolation',
      label: 'Interpolation',
      kind: 'enum',
      default: 'nearest',
      options: ['nearest', 'bilinear'],
      help: '`nearest` repeats pixels; `bilinear` blends neighbours.',
    },
  ],
  inferShape([input], config) {
    const rank = checkRank('UpSampling2D', input, 4);
    if (rank) return rank;
    const [sh, sw] = pair(config.size);
    const times = (d: number | null, k: number) => (d === null ? null : d * k);
    return ok([input[0], times(input[1], sh), times(input[2], sw), input[3]]);
  },
  paramCount: () => NO_PARAMS,
};
