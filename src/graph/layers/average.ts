import { elementwiseMerge } from './elementwise';

export const Average = elementwiseMerge(
  'Average',
  'Averages its inputs element-wise, e.g. an ensemble of heads.',
  'The element-wise mean of two or more tensors. Input → output: same shapes in, that shape out; a dimension ' +
    'of 1 broadcasts.',
);
