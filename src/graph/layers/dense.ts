import type { LayerSpec } from '../types';
import { formatShape } from '../shape';
import { activationArg, checkRank, fail, num, ok, useBiasArg } from './common';

export const Dense: LayerSpec = {
  className: 'Dense',
  label: 'Dense',
  category: 'core',
  description: 'Fully connected layer: output = activation(input · kernel + bias) over the last axis.',
  docs: 'Every output unit is a weighted sum of every input on the last axis, plus a bias. Input → output: (None, …, d) → (None, …, units). Params: d·units + units.',
  inputs: { min: 1, max: 1 },
  args: [
    { key: 'units', label: 'Units', kind: 'int', default: 32, min: 1, help: 'Size of the output.' },
    activationArg('linear'),
    useBiasArg,
  ],
  inferShape([input], config) {
    const rank = checkRank('Dense', input, 2, Infinity);
    if (rank) return rank;
    if (input[input.length - 1] === null) {
      return fail(
        'a known last dimension',
        input,
        `Dense needs a known last dimension, found ${formatShape(input)}`,
      );
    }
    return ok([...input.slice(0, -1), num(config, 'units')]);
  },
  paramCount([input], config) {
    const units = num(config, 'units');
    const inDim = input[input.length - 1] ?? 0;
    return { trainable: inDim * units + (config.use_bias ? units : 0), nonTrainable: 0 };
  },
};
