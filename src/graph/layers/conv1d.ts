import type { LayerSpec } from '../types';
import { formatShape } from '../shape';
import { activationArg, checkRank, fail, num, ok, useBiasArg } from './common';
import { windowOutput } from './conv2d';
import { filtersArg, kernelArg, single, stridesArg } from './conv-args';

export const Conv1D: LayerSpec = {
  className: 'Conv1D',
  label: 'Conv1D',
  category: 'convolution',
  description: 'Slides `filters` learned kernels along the steps of a sequence (channels last).',
  docs:
    'Slides `filters` learned kernels of length k along the time axis. Input → output: (None, steps, C) → ' +
    "(None, steps′, filters), steps′ = ceil((steps − k + 1) / stride) for 'valid', ceil(steps / stride) for " +
    "'same' and 'causal'. Params: k·C·filters + filters. tfjs-layers 4.22 cannot run 'causal' padding.",
  inputs: { min: 1, max: 1 },
  args: [
    filtersArg,
    kernelArg(1),
    stridesArg(1),
    {
      key: 'padding',
      label: 'Padding',
      kind: 'enum',
      default: 'valid',
      options: ['valid', 'same', 'causal'],
      help: "`causal` pads only on the left, so step t never sees later steps (same length as 'same').",
    },
    activationArg('linear'),
    useBiasArg,
  ],
  inferShape([input], config) {
    const rank = checkRank('Conv1D', input, 3);
    if (rank) return rank;
    if (input[2] === null) {
      return fail('known channels', input, `Conv1D needs a known channel count, found ${formatShape(input)}`);
    }
    const k = single(config.kernel_size);
    const padding = config.padding === 'valid' ? 'valid' : 'same';
    const steps = input[1];
    if (steps !== null && padding === 'valid' && steps < k) {
      return fail(
        `steps ≥ ${k}`,
        input,
        `Conv1D kernel_size ${k} is longer than the ${steps} steps of ${formatShape(input)} with padding 'valid'`,
      );
    }
    const out = steps === null ? null : windowOutput(steps, k, single(config.strides), padding);
    return ok([input[0], out, num(config, 'filters')]);
  },
  paramCount([input], config) {
    const filters = num(config, 'filters');
    const weights = single(config.kernel_size) * (input[2] ?? 0) * filters;
    return { trainable: weights + (config.use_bias ? filters : 0), nonTrainable: 0 };
  },
  tfjsLimitation: (config) =>
    config.padding === 'causal'
      ? "tfjs-layers 4.22 has not implemented Conv1D padding 'causal'; use 'same' or a ZeroPadding before it"
      : null,
};
