import type { LayerSpec, Shape } from '../types';
import { activationArg, checkRank, fail, num, ok, pair, paddingArg, useBiasArg } from './common';
import { formatShape } from '../shape';

/** Same arithmetic as tfjs-layers `convOutputLength` (no dilation): 'same' is ceil(n/s), 'valid' ceil((n−k+1)/s). */
export function windowOutput(size: number, window: number, stride: number, padding: string): number {
  const span = padding === 'same' ? size : size - window + 1;
  return Math.floor((span + stride - 1) / stride);
}

/** Shared by Conv2D and MaxPooling2D: spatial output dims of a 2-D window, or why the window does not fit. */
export function spatialOutput(
  layer: string,
  input: Shape,
  window: [number, number],
  strides: [number, number],
  padding: string,
  windowArg: string,
): { ok: true; dims: [number, number] } | { ok: false; result: ReturnType<typeof fail> } {
  const [h, w] = [input[1] as number, input[2] as number];
  if (padding === 'valid' && (h < window[0] || w < window[1])) {
    return {
      ok: false,
      result: fail(
        `height ≥ ${window[0]} and width ≥ ${window[1]}`,
        input,
        `${layer} ${windowArg} ${window[0]}×${window[1]} is larger than the input ${h}×${w} ` +
          `(${formatShape(input)}) with padding 'valid'; use a smaller window or padding 'same'`,
      ),
    };
  }
  return {
    ok: true,
    dims: [windowOutput(h, window[0], strides[0], padding), windowOutput(w, window[1], strides[1], padding)],
  };
}

export const Conv2D: LayerSpec = {
  className: 'Conv2D',
  label: 'Conv2D',
  category: 'convolution',
  description: 'Slides `filters` learned kernels over height and width (channels last).',
  docs: "Slides `filters` learned kh×kw kernels over height and width, channels last. Input → output: (None, H, W, C) → (None, H′, W′, filters), where H′ = ceil((H − kh + 1) / stride) for 'valid' and ceil(H / stride) for 'same'. Params: kh·kw·C·filters + filters.",
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'filters',
      label: 'Filters',
      kind: 'int',
      default: 32,
      min: 1,
      help: 'Number of output channels.',
    },
    {
      key: 'kernel_size',
      label: 'Kernel size',
      kind: 'intTuple',
      length: 2,
      default: [3, 3],
      min: 1,
      max: 64,
      help: 'Height and width of each kernel.',
    },
    {
      key: 'strides',
      label: 'Strides',
      kind: 'intTuple',
      length: 2,
      default: [1, 1],
      min: 1,
      max: 64,
      help: 'Step between windows along height and width.',
    },
    paddingArg,
    activationArg('linear'),
    useBiasArg,
  ],
  inferShape([input], config) {
    const rank = checkRank('Conv2D', input, 4);
    if (rank) return rank;
    const out = spatialOutput(
      'Conv2D',
      input,
      pair(config.kernel_size),
      pair(config.strides),
      config.padding as string,
      'kernel_size',
    );
    if (!out.ok) return out.result;
    return ok([input[0], out.dims[0], out.dims[1], num(config, 'filters')]);
  },
  paramCount([input], config) {
    const [kh, kw] = pair(config.kernel_size);
    const filters = num(config, 'filters');
    const channels = input[3] ?? 0;
    return { trainable: kh * kw * channels * filters + (config.use_bias ? filters : 0), nonTrainable: 0 };
  },
};
