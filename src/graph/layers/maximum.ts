import { elementwiseMerge } from './elementwise';

export const Maximum = elementwiseMerge(
  'Maximum',
  'Keeps the element-wise maximum of its inputs.',
  'The element-wise maximum of two or more tensors. Input → output: same shapes in, that shape out; a ' +
    'dimension of 1 broadcasts.',
);
