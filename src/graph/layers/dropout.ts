import type { LayerSpec } from '../types';
import { NO_PARAMS, ok } from './common';

export const Dropout: LayerSpec = {
  className: 'Dropout',
  label: 'Dropout',
  category: 'regularization',
  description:
    'During training, zeroes a random fraction `rate` of inputs and scales the rest by 1/(1 − rate).',
  docs: 'While training, sets a random fraction `rate` of inputs to 0 and scales the rest by 1/(1 − rate); at inference it does nothing. Input → output: unchanged.',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'rate',
      label: 'Rate',
      kind: 'float',
      default: 0.5,
      min: 0,
      max: 1,
      exclusiveMax: true,
      help: 'Fraction of the inputs to drop, in [0, 1).',
    },
  ],
  inferShape: ([input]) => ok([...input]),
  paramCount: () => NO_PARAMS,
};
