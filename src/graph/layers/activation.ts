import type { LayerSpec } from '../types';
import { NO_PARAMS, activationArg, ok } from './common';

export const Activation: LayerSpec = {
  className: 'Activation',
  label: 'Activation',
  category: 'activation',
  description: 'Applies an activation function element-wise.',
  docs: 'Applies `activation` to every element; nothing is learned. Input → output: any shape, unchanged.',
  inputs: { min: 1, max: 1 },
  args: [activationArg('relu')],
  inferShape: ([input]) => ok([...input]),
  paramCount: () => NO_PARAMS,
};
