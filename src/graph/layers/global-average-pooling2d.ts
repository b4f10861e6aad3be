import { globalPooling2d } from './pooling2d';

export const GlobalAveragePooling2D = globalPooling2d(
  'GlobalAveragePooling2D',
  'Averages over height and width: one value per channel.',
  'Averages each channel over height and width. Input → output: (None, H, W, C) → (None, C).',
);
