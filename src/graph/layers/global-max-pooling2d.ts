import { globalPooling2d } from './pooling2d';

export const GlobalMaxPooling2D = globalPooling2d(
  'GlobalMaxPooling2D',
  'Keeps the maximum over height and width: one value per channel.',
  'Keeps the largest value of each channel over height and width: "is this feature anywhere?". Input → ' +
    'output: (None, H, W, C) → (None, C).',
);
