import type { LayerSpec } from '../types';
import { formatShape } from '../shape';
import { NO_PARAMS, axisError, fail, num, ok, resolveAxis } from './common';

export const Concatenate: LayerSpec = {
  className: 'Concatenate',
  label: 'Concatenate',
  category: 'merging',
  description: 'Joins its inputs along `axis`; every other dimension must match.',
  docs: 'Joins two or more tensors along `axis`. Input → output: (None, a) and (None, b) → (None, a + b); every other dimension must match.',
  inputs: { min: 2, max: 64 },
  args: [
    { key: 'axis', label: 'Axis', kind: 'int', default: -1, min: -6, max: 5, help: 'Axis to join along.' },
  ],
  inferShape(inputs, config) {
    const first = inputs[0];
    const rawAxis = num(config, 'axis');
    for (let i = 1; i < inputs.length; i++) {
      if (inputs[i].length !== first.length) {
        return fail(
          `rank ${first.length} like input 0 ${formatShape(first)}`,
          inputs[i],
          `Concatenate inputs must have the same rank: input 0 is ${formatShape(first)}, input ${i} is ${formatShape(inputs[i])}`,
        );
      }
    }
    const axis = resolveAxis(rawAxis, first.length);
    if (axis === null) return axisError('Concatenate', rawAxis, first);
    let total = 0;
    for (let i = 0; i < inputs.length; i++) {
      const s = inputs[i];
      for (let d = 1; d < s.length; d++) {
        if (d !== axis && s[d] !== first[d]) {
          const expected = `(${first.map((v, k) => (k === axis ? 'any' : (v ?? 'None'))).join(', ')})`;
          return fail(
            expected,
            s,
            `Concatenate on axis ${rawAxis} needs all other dimensions equal: input 0 is ${formatShape(first)}, ` +
              `input ${i} is ${formatShape(s)} (dimension ${d} differs)`,
          );
        }
      }
      total += s[axis] as number;
    }
    return ok(first.map((d, k) => (k === axis ? total : d)));
  },
  paramCount: () => NO_PARAMS,
};
