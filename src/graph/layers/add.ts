import { elementwiseMerge } from './elementwise';

export const Add = elementwiseMerge(
  'Add',
  'Adds its inputs element-wise; shapes must match (a dimension of 1 broadcasts).',
  'Adds two or more tensors element-wise, as in a residual connection. Input → output: same shapes in, that ' +
    'shape out; a dimension of 1 broadcasts against any size.',
);
