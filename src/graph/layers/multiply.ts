import { elementwiseMerge } from './elementwise';

export const Multiply = elementwiseMerge(
  'Multiply',
  'Multiplies its inputs element-wise, e.g. to gate one branch by another.',
  'Multiplies two or more tensors element-wise (a learned gate times a signal). Input → output: same shapes ' +
    'in, that shape out; a dimension of 1 broadcasts.',
);
