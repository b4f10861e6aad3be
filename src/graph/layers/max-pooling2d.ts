import { pooling2d } from './pooling2d';

export const MaxPooling2D = pooling2d(
  'MaxPooling2D',
  'Keeps the maximum of each window over height and width, per channel.',
  'Keeps the maximum of each pool_size window, per channel; strides default to the pool size. Input → output: ' +
    '(None, H, W, C) → (None, H′, W′, C).',
);
