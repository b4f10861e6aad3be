import type { LayerSpec } from '../types';
import { formatShape, product } from '../shape';
import { NO_PARAMS, fail, ok } from './common';

export const Flatten: LayerSpec = {
  className: 'Flatten',
  label: 'Flatten',
  category: 'reshaping',
  description: 'Flattens every axis but the batch into one: (None, 28, 28, 1) becomes (None, 784).',
  docs: 'Unrolls every non-batch axis into one. Input → output: (None, 28, 28, 1) → (None, 784). tfjs-layers 4.22 rejects a rank-2 input, which Keras passes through.',
  inputs: { min: 1, max: 1 },
  args: [],
  inferShape([input]) {
    // Keras lets Flatten pass a rank-2 tensor through, but tfjs-layers 4.22 rejects it (minNDim 3), and we
    // build with tfjs: saying so here beats a tfjs exception at Train time.
    if (input.length < 3) {
      return fail(
        'rank ≥ 3',
        input,
        `Flatten expects an input of rank ≥ 3, found ${formatShape(input)}: it is already flat, remove the Flatten`,
      );
    }
    const size = product(input.slice(1));
    if (size === null) {
      return fail(
        'known dimensions',
        input,
        `Flatten needs every non-batch dimension known, found ${formatShape(input)}`,
      );
    }
    return ok([null, size]);
  },
  paramCount: () => NO_PARAMS,
};
