import { pooling2d } from './pooling2d';

export const AveragePooling2D = pooling2d(
  'AveragePooling2D',
  'Averages each window over height and width, per channel.',
  'Replaces each pool_size window by its mean, per channel; strides default to the pool size. Input → output: ' +
    '(None, H, W, C) → (None, H′, W′, C), H′ = ceil((H − ph + 1) / stride) for valid, ceil(H / stride) for same.',
);
