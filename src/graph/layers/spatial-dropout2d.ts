import type { LayerSpec } from '../types';
import { NO_PARAMS, checkRank, ok } from './common';
import { Dropout } from './dropout';

export const SpatialDropout2D: LayerSpec = {
  className: 'SpatialDropout2D',
  label: 'SpatialDropout2D',
  category: 'regularization',
  description: 'While training, drops whole channels (feature maps) instead of single pixels.',
  docs:
    'Dropout for convolutions: neighbouring pixels are correlated, so it zeroes entire channels with ' +
    'probability `rate` and scales the rest by 1/(1 − rate). Input → output: (None, H, W, C), unchanged. ' +
    'tfjs-layers 4.22 lacks it: Kiln adds it to tfjs.',
  inputs: { min: 1, max: 1 },
  args: Dropout.args,
  inferShape: ([input]) => checkRank('SpatialDropout2D', input, 4) ?? ok([...input]),
  paramCount: () => NO_PARAMS,
};
