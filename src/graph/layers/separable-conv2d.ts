import type { LayerSpec } from '../types';
import { activationArg, checkRank, num, ok, pair, paddingArg, useBiasArg } from './common';
import { spatialOutput } from './conv2d';
import { depthMultiplierArg, filtersArg, kernelArg, stridesArg } from './conv-args';

export const SeparableConv2D: LayerSpec = {
  className: 'SeparableConv2D',
  label: 'SeparableConv2D',
  category: 'convolution',
  description: 'A depthwise convolution per channel, then a 1×1 convolution that mixes channels.',
  docs:
    'Factorizes a convolution: a kh×kw depthwise step per channel, then a pointwise 1×1 step that mixes them ' +
    'into `filters` channels — far fewer weights than Conv2D. Input → output: (None, H, W, C) → (None, H′, W′, ' +
    'filters). Params: kh·kw·C·dm + C·dm·filters + filters.',
  inputs: { min: 1, max: 1 },
  args: [
    filtersArg,
    kernelArg(2),
    stridesArg(2),
    paddingArg,
    depthMultiplierArg,
    activationArg('linear'),
    useBiasArg,
  ],
  inferShape([input], config) {
    const rank = checkRank('SeparableConv2D', input, 4);
    if (rank) return rank;
    const k = pair(config.kernel_size);
    const out = spatialOutput(
      'SeparableConv2D',
      input,
      k,
      pair(config.strides),
      config.padding as string,
      'kernel_size',
    );
    if (!out.ok) return out.result;
    return ok([input[0], out.dims[0], out.dims[1], num(config, 'filters')]);
  },
  paramCount([input], config) {
    const [kh, kw] = pair(config.kernel_size);
    const depth = (input[3] ?? 0) * num(config, 'depth_multiplier');
    const filters = num(config, 'filters');
    const weights = kh * kw * depth + depth * filters;
    return { trainable: weights + (config.use_bias ? filters : 0), nonTrainable: 0 };
  },
};
