import type { LayerSpec } from '../types';
import { axisError, checkRank, normalizationArgs, num, ok, resolveAxis } from './common';

export const BatchNormalization: LayerSpec = {
  className: 'BatchNormalization',
  label: 'BatchNormalization',
  category: 'normalization',
  description: 'Normalizes each feature with batch statistics in training and moving averages at inference.',
  docs: "Normalizes each feature along `axis` with the batch's mean and variance while training and with moving averages at inference, then scales by gamma and shifts by beta. Input → output: any shape, unchanged. Params: 2·C trainable (gamma, beta) and 2·C non-trainable (moving mean, variance).",
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'axis',
      label: 'Axis',
      kind: 'int',
      default: -1,
      min: -6,
      max: 5,
      help: 'The features axis (channels last: -1).',
    },
    {
      key: 'momentum',
      label: 'Momentum',
      kind: 'float',
      default: 0.99,
      min: 0,
      max: 1,
      help: 'Weight of the old value in the moving mean and variance.',
    },
    ...normalizationArgs,
  ],
  inferShape([input], config) {
    const rank = checkRank('BatchNormalization', input, 2, Infinity);
    if (rank) return rank;
    if (resolveAxis(num(config, 'axis'), input.length) === null) {
      return axisError('BatchNormalization', num(config, 'axis'), input);
    }
    return ok([...input]);
  },
  paramCount([input], config) {
    const axis = resolveAxis(num(config, 'axis'), input.length) ?? input.length - 1;
    const c = input[axis] ?? 0;
    // gamma and beta learn; moving mean and variance are running statistics, never trained.
    const learned = (config.scale ? 1 : 0) + (config.center ? 1 : 0);
    return { trainable: learned * c, nonTrainable: 2 * c };
  },
};
