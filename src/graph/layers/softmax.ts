import type { LayerSpec } from '../types';
import { NO_PARAMS, axisError, num, ok, resolveAxis } from './common';

export const Softmax: LayerSpec = {
  className: 'Softmax',
  label: 'Softmax',
  category: 'activation',
  description: 'Turns scores along `axis` into probabilities that sum to 1.',
  docs: 'exp(x) / Σ exp(x) along `axis`: scores become a probability distribution. Input → output: unchanged.',
  inputs: { min: 1, max: 1 },
  args: [
    { key: 'axis', label: 'Axis', kind: 'int', default: -1, min: -6, max: 5, help: 'Axis that sums to 1.' },
  ],
  inferShape([input], config) {
    const axis = num(config, 'axis');
    return resolveAxis(axis, input.length) === null ? axisError('Softmax', axis, input) : ok([...input]);
  },
  paramCount: () => NO_PARAMS,
};
