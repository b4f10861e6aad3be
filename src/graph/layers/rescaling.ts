import type { LayerSpec } from '../types';
import { NO_PARAMS, ok } from './common';

export const Rescaling: LayerSpec = {
  className: 'Rescaling',
  label: 'Rescaling',
  category: 'normalization',
  description: 'Multiplies by `scale` and adds `offset`, e.g. 1/255 maps pixels to [0, 1].',
  docs: 'Computes input · scale + offset, e.g. scale 1/255 maps pixels to [0, 1]. Input → output: unchanged.',
  inputs: { min: 1, max: 1 },
  args: [
    { key: 'scale', label: 'Scale', kind: 'float', default: 1 / 255, help: 'Multiplier applied first.' },
    { key: 'offset', label: 'Offset', kind: 'float', default: 0, help: 'Added after scaling.' },
  ],
  inferShape: ([input]) => ok([...input]),
  paramCount: () => NO_PARAMS,
};
