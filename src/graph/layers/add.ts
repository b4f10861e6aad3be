import type { LayerSpec } from '../types';
import { formatShape } from '../shape';
import { NO_PARAMS, fail, ok } from './common';

export const Add: LayerSpec = {
  className: 'Add',
  label: 'Add',
  category: 'merging',
  description: 'Adds its inputs element-wise; shapes must match (a dimension of 1 broadcasts).',
  inputs: { min: 2, max: 64 },
  args: [],
  inferShape(inputs) {
    const out = [...inputs[0]];
    for (let i = 1; i < inputs.length; i++) {
      const s = inputs[i];
      const mismatch = () =>
        fail(
          formatShape(out),
          s,
          `Add needs inputs of the same shape: input 0 is ${formatShape(inputs[0])}, input ${i} is ${formatShape(s)}`,
        );
      if (s.length !== out.length) return mismatch();
      for (let d = 1; d < s.length; d++) {
        const a = out[d];
        const b = s[d];
        if (a === 1) out[d] = b;
        else if (b !== 1 && a !== b) return mismatch();
      }
    }
    return ok(out);
  },
  paramCount: () => NO_PARAMS,
};
