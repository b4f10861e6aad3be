import type { LayerSpec } from '../types';
import { NO_PARAMS, ok } from './common';

export const LeakyReLU: LayerSpec = {
  className: 'LeakyReLU',
  label: 'LeakyReLU',
  category: 'activation',
  description: 'ReLU that lets a small slope through for negative inputs.',
  docs:
    'x for x ≥ 0, negative_slope·x below 0, so units never go completely silent. Input → output: unchanged. ' +
    'Keras 3 calls the slope negative_slope; Keras 2 and tfjs call it alpha.',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'negative_slope',
      label: 'Negative slope',
      kind: 'float',
      default: 0.3,
      min: 0,
      help: 'Slope for inputs below 0.',
    },
  ],
  inferShape: ([input]) => ok([...input]),
  paramCount: () => NO_PARAMS,
};
