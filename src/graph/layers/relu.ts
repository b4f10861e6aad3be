import type { LayerSpec } from '../types';
import { NO_PARAMS, ok } from './common';

export const ReLU: LayerSpec = {
  className: 'ReLU',
  label: 'ReLU',
  category: 'activation',
  description: 'Rectified linear unit as a layer, with an optional cap and leak.',
  docs:
    'max(x, 0), optionally capped at max_value (6 gives ReLU6), with negative_slope below threshold. Input → ' +
    'output: unchanged. tfjs-layers 4.22 implements max_value only: negative_slope and threshold must stay 0 ' +
    'to train in Kiln.',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'max_value',
      label: 'Max value',
      kind: 'float',
      default: null,
      nullable: true,
      min: 0,
      help: 'Largest output; null means no cap.',
    },
    {
      key: 'negative_slope',
      label: 'Negative slope',
      kind: 'float',
      default: 0,
      min: 0,
      help: 'Slope below threshold.',
    },
    {
      key: 'threshold',
      label: 'Threshold',
      kind: 'float',
      default: 0,
      help: 'Inputs below this are zeroed (or leak).',
    },
  ],
  inferShape: ([input]) => ok([...input]),
  paramCount: () => NO_PARAMS,
  tfjsLimitation: (config) =>
    config.negative_slope !== 0 || config.threshold !== 0
      ? 'tfjs-layers 4.22 ReLU supports max_value only; set negative_slope and threshold to 0 (or use LeakyReLU)'
      : null,
};
