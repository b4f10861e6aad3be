import type { LayerSpec } from '../types';
import { checkRank, num, ok } from './common';

export const Embedding: LayerSpec = {
  className: 'Embedding',
  label: 'Embedding',
  category: 'core',
  description: 'Looks up a learned vector for each integer token id.',
  docs:
    'Maps each integer in [0, input_dim) to a learned vector of output_dim numbers: the first layer of most ' +
    'text models (feed it an int32 Input). Input → output: (None, steps) → (None, steps, output_dim). Params: ' +
    'input_dim·output_dim. mask_zero makes later RNNs skip the padding id 0.',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'input_dim',
      label: 'Vocabulary size',
      kind: 'int',
      default: 1000,
      min: 1,
      help: 'Largest token id + 1.',
    },
    {
      key: 'output_dim',
      label: 'Vector size',
      kind: 'int',
      default: 64,
      min: 1,
      help: 'Length of each vector.',
    },
    {
      key: 'mask_zero',
      label: 'Mask zero',
      kind: 'bool',
      default: false,
      help: 'Treat id 0 as padding: masked layers after it (RNNs) skip those steps.',
    },
  ],
  inferShape: ([input], config) =>
    checkRank('Embedding', input, 2, Infinity) ?? ok([...input, num(config, 'output_dim')]),
  paramCount: (_inputs, config) => ({
    trainable: num(config, 'input_dim') * num(config, 'output_dim'),
    nonTrainable: 0,
  }),
};
