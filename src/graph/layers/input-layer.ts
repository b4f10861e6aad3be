import type { ArgValue, LayerSpec } from '../types';
import { NO_PARAMS, ok } from './common';

function checkBatchShape(value: ArgValue): string | null {
  if (!Array.isArray(value) || value.length < 2 || value.length > 6) {
    return 'batch_shape must be a list of 2 to 6 dims, e.g. [null, 28, 28, 1]';
  }
  if (value[0] !== null) return 'batch_shape must start with null (the batch dimension)';
  for (let i = 1; i < value.length; i++) {
    const d = value[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      return `batch_shape[${i}] must be an integer ≥ 1`;
    }
  }
  return null;
}

export const InputLayer: LayerSpec = {
  className: 'InputLayer',
  label: 'Input',
  category: 'input',
  description: 'An entry point of the model: declares the shape and dtype of one input tensor.',
  docs: 'Where data enters the model: declares the shape (with the batch dimension as None) and dtype of one input. Input → output: none → batch_shape.',
  inputs: { min: 0, max: 0 },
  args: [
    {
      key: 'batch_shape',
      label: 'Batch shape',
      kind: 'shape',
      default: [null, 10],
      help: 'Shape including the batch dimension, which is null (any batch size).',
      check: checkBatchShape,
    },
    {
      key: 'dtype',
      label: 'Dtype',
      kind: 'enum',
      default: 'float32',
      options: ['float32', 'int32'],
      help: 'Element type of the input tensor.',
    },
  ],
  inferShape: (_inputs, config) => ok([...(config.batch_shape as (number | null)[])]),
  paramCount: () => NO_PARAMS,
};
