import type { LayerSpec } from '../types';
import { axisError, checkRank, normalizationArgs, num, ok, resolveAxis } from './common';

export const LayerNormalization: LayerSpec = {
  className: 'LayerNormalization',
  label: 'LayerNormalization',
  category: 'normalization',
  description: 'Normalizes each sample over its features (no batch statistics), then scales and shifts.',
  docs:
    'Normalizes every sample on its own over `axis` to mean 0 and variance 1, then applies a learned gamma ' +
    'and beta; unlike BatchNormalization it behaves the same in training and inference. Input → output: ' +
    'unchanged. Params: 2·C trainable (C = size of axis).',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'axis',
      label: 'Axis',
      kind: 'int',
      default: -1,
      min: -6,
      max: 5,
      help: 'The features axis to normalize over.',
    },
    ...normalizationArgs,
  ],
  inferShape([input], config) {
    const rank = checkRank('LayerNormalization', input, 2, Infinity);
    if (rank) return rank;
    const axis = resolveAxis(num(config, 'axis'), input.length);
    if (axis === null) return axisError('LayerNormalization', num(config, 'axis'), input);
    return ok([...input]);
  },
  paramCount([input], config) {
    const axis = resolveAxis(num(config, 'axis'), input.length) ?? input.length - 1;
    const c = input[axis] ?? 0;
    return { trainable: ((config.scale ? 1 : 0) + (config.center ? 1 : 0)) * c, nonTrainable: 0 };
  },
};
