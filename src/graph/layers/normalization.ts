import type { LayerSpec, Shape } from '../types';
import { axisError, checkRank, ok, resolveAxis } from './common';

function statsSize(input: Shape, axis: number | null): number {
  if (axis === null) return 1;
  const a = resolveAxis(axis, input.length);
  return a === null ? 0 : (input[a] ?? 0);
}

export const Normalization: LayerSpec = {
  className: 'Normalization',
  label: 'Normalization',
  category: 'normalization',
  description:
    'Standardizes features with a mean and variance adapted from the data: (x − mean) / √variance.',
  docs: 'Standardizes features with a mean and variance adapted from the training data (Keras 3; Kiln adds it to tfjs, which lacks it). Input → output: unchanged. Params: 2·C + 1 non-trainable (mean, variance, count).',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'axis',
      label: 'Axis',
      kind: 'int',
      default: -1,
      nullable: true,
      min: -6,
      max: 5,
      help: 'Axis that keeps its own mean and variance; null uses one mean and variance for everything.',
    },
    {
      key: 'invert',
      label: 'Invert',
      kind: 'bool',
      default: false,
      help: 'Undo the normalization instead: x · √variance + mean.',
    },
  ],
  inferShape([input], config) {
    const rank = checkRank('Normalization', input, 2, Infinity);
    if (rank) return rank;
    const axis = config.axis as number | null;
    if (axis !== null && resolveAxis(axis, input.length) === null)
      return axisError('Normalization', axis, input);
    return ok([...input]);
  },
  // Keras 3 keeps mean and variance per kept index plus a scalar sample count, all non-trainable.
  // tfjs-layers 4.22 has no Normalization; src/engine/build-model.ts registers one with the same weights.
  paramCount([input], config) {
    const c = statsSize(input, config.axis as number | null);
    return { trainable: 0, nonTrainable: 2 * c + 1 };
  },
};
