import type { LayerSpec } from '../types';
import { formatShape } from '../shape';
import { NO_PARAMS, checkRank, fail, ok } from './common';
import { sides, sidesArg } from './padding-sides';

export const Cropping2D: LayerSpec = {
  className: 'Cropping2D',
  label: 'Cropping2D',
  category: 'reshaping',
  description: 'Cuts rows and columns off the edges of the image.',
  docs:
    'Removes rows and columns at the edges: `cropping` is n, [h, w] or [top, bottom, left, right]. Input → ' +
    'output: (None, H, W, C) → (None, H − top − bottom, W − left − right, C); at least one row and column must ' +
    'remain.',
  inputs: { min: 1, max: 1 },
  args: [
    sidesArg('cropping', 'Cropping', [0, 0], 'Rows/columns to cut: n, [h, w] or [top, bottom, left, right].'),
  ],
  inferShape([input], config) {
    const rank = checkRank('Cropping2D', input, 4);
    if (rank) return rank;
    const [t, b, l, r] = sides(config.cropping);
    const h = input[1] === null ? null : input[1] - t - b;
    const w = input[2] === null ? null : input[2] - l - r;
    if ((h !== null && h < 1) || (w !== null && w < 1)) {
      return fail(
        'at least 1 row and column left',
        input,
        `Cropping2D cuts ${t + b} rows and ${l + r} columns from ${formatShape(input)}, leaving nothing`,
        'cropping',
      );
    }
    return ok([input[0], h, w, input[3]]);
  },
  paramCount: () => NO_PARAMS,
};
