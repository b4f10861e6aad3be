import type { LayerSpec } from '../types';
import { NO_PARAMS, checkRank, ok } from './common';

export const GlobalAveragePooling2D: LayerSpec = {
  className: 'GlobalAveragePooling2D',
  label: 'GlobalAveragePooling2D',
  category: 'pooling',
  description: 'Averages over height and width: one value per channel.',
  inputs: { min: 1, max: 1 },
  args: [],
  inferShape([input]) {
    return checkRank('GlobalAveragePooling2D', input, 4) ?? ok([input[0], input[3]]);
  },
  paramCount: () => NO_PARAMS,
};
