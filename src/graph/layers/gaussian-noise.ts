import type { LayerSpec } from '../types';
import { NO_PARAMS, ok } from './common';

export const GaussianNoise: LayerSpec = {
  className: 'GaussianNoise',
  label: 'GaussianNoise',
  category: 'regularization',
  description: 'While training, adds zero-mean Gaussian noise with standard deviation `stddev`.',
  docs:
    'Adds N(0, stddev²) noise to every input while training (a regularizer and data augmentation); at ' +
    'inference it does nothing. Input → output: unchanged. tfjs-layers 4.22 ignores `seed`.',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'stddev',
      label: 'Std. deviation',
      kind: 'float',
      default: 0.1,
      min: 0,
      help: 'Spread of the noise.',
    },
    {
      key: 'seed',
      label: 'Seed',
      kind: 'int',
      default: null,
      nullable: true,
      min: 0,
      help: 'Random seed (Keras only).',
    },
  ],
  inferShape: ([input]) => ok([...input]),
  paramCount: () => NO_PARAMS,
};
