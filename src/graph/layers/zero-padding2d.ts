import type { LayerSpec } from '../types';
import { NO_PARAMS, checkRank, ok } from './common';
import { sides, sidesArg } from './padding-sides';

export const ZeroPadding2D: LayerSpec = {
  className: 'ZeroPadding2D',
  label: 'ZeroPadding2D',
  category: 'reshaping',
  description: 'Adds rows and columns of zeros around the image.',
  docs:
    'Surrounds the image with zeros: `padding` is n (all sides), [h, w] (top and bottom h, left and right w) ' +
    'or [top, bottom, left, right]. Input → output: (None, H, W, C) → (None, H + top + bottom, W + left + ' +
    'right, C).',
  inputs: { min: 1, max: 1 },
  args: [sidesArg('padding', 'Padding', [1, 1], 'Zeros to add: n, [h, w] or [top, bottom, left, right].')],
  inferShape([input], config) {
    const rank = checkRank('ZeroPadding2D', input, 4);
    if (rank) return rank;
    const [t, b, l, r] = sides(config.padding);
    const grow = (d: number | null, n: number) => (d === null ? null : d + n);
    return ok([input[0], grow(input[1], t + b), grow(input[2], l + r), input[3]]);
  },
  paramCount: () => NO_PARAMS,
};
