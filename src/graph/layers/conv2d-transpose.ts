import type { LayerSpec } from '../types';
import { activationArg, checkRank, num, ok, pair, paddingArg, useBiasArg } from './common';
import { filtersArg, kernelArg, stridesArg } from './conv-args';

/** Keras `compute_conv_transpose_output_length` without output_padding (tfjs `deconvLength` agrees). */
function deconvLength(size: number | null, kernel: number, stride: number, padding: string): number | null {
  if (size === null) return null;
  return padding === 'same' ? size * stride : size * stride + Math.max(kernel - stride, 0);
}

export const Conv2DTranspose: LayerSpec = {
  className: 'Conv2DTranspose',
  label: 'Conv2DTranspose',
  category: 'convolution',
  description: 'Learned upsampling: the transpose of a convolution, growing height and width by the strides.',
  docs:
    'Runs a convolution backwards, so strides enlarge the image instead of shrinking it (decoders, ' +
    "segmentation). Input → output: (None, H, W, C) → (None, H·s, W·s, filters) for 'same', (None, H·s + " +
    "max(kh − s, 0), …, filters) for 'valid'. Params: kh·kw·filters·C + filters.",
  inputs: { min: 1, max: 1 },
  args: [filtersArg, kernelArg(2), stridesArg(2), paddingArg, activationArg('linear'), useBiasArg],
  inferShape([input], config) {
    const rank = checkRank('Conv2DTranspose', input, 4);
    if (rank) return rank;
    const [kh, kw] = pair(config.kernel_size);
    const [sh, sw] = pair(config.strides);
    const padding = config.padding as string;
    return ok([
      input[0],
      deconvLength(input[1], kh, sh, padding),
      deconvLength(input[2], kw, sw, padding),
      num(config, 'filters'),
    ]);
  },
  paramCount([input], config) {
    const [kh, kw] = pair(config.kernel_size);
    const filters = num(config, 'filters');
    const weights = kh * kw * filters * (input[3] ?? 0);
    return { trainable: weights + (config.use_bias ? filters : 0), nonTrainable: 0 };
  },
};
