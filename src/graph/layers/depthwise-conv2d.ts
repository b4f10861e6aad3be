import type { LayerSpec } from '../types';
import { activationArg, checkRank, num, ok, pair, paddingArg, useBiasArg } from './common';
import { spatialOutput } from './conv2d';
import { depthMultiplierArg, kernelArg, stridesArg } from './conv-args';

export const DepthwiseConv2D: LayerSpec = {
  className: 'DepthwiseConv2D',
  label: 'DepthwiseConv2D',
  category: 'convolution',
  description: 'Convolves each input channel with its own kernel(s); channels never mix.',
  docs:
    'Gives every input channel its own depth_multiplier kernels of size kh×kw; channels are not mixed (the ' +
    'first half of a separable convolution). Input → output: (None, H, W, C) → (None, H′, W′, C·depth_multiplier). ' +
    'Params: kh·kw·C·depth_multiplier + C·depth_multiplier.',
  inputs: { min: 1, max: 1 },
  args: [kernelArg(2), stridesArg(2), paddingArg, depthMultiplierArg, activationArg('linear'), useBiasArg],
  inferShape([input], config) {
    const rank = checkRank('DepthwiseConv2D', input, 4);
    if (rank) return rank;
    const k = pair(config.kernel_size);
    const out = spatialOutput(
      'DepthwiseConv2D',
      input,
      k,
      pair(config.strides),
      config.padding as string,
      'kernel_size',
    );
    if (!out.ok) return out.result;
    return ok([input[0], out.dims[0], out.dims[1], (input[3] as number) * num(config, 'depth_multiplier')]);
  },
  paramCount([input], config) {
    const [kh, kw] = pair(config.kernel_size);
    const outChannels = (input[3] ?? 0) * num(config, 'depth_multiplier');
    return { trainable: kh * kw * outChannels + (config.use_bias ? outChannels : 0), nonTrainable: 0 };
  },
};
