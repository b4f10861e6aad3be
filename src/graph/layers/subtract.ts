import { elementwiseMerge } from './elementwise';

// tfjs-layers 4.22 has no Subtract; src/engine registers one (no weights, so nothing else to match).
export const Subtract = elementwiseMerge(
  'Subtract',
  'Subtracts its second input from its first, element-wise.',
  'input 0 − input 1, element-wise; exactly two inputs, in slot order. Input → output: same shapes in, that ' +
    'shape out; a dimension of 1 broadcasts. tfjs-layers 4.22 lacks it: Kiln adds it to tfjs.',
  2,
);
