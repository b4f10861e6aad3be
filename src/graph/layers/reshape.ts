import type { ArgValue, LayerSpec } from '../types';
import { formatShape, product } from '../shape';
import { NO_PARAMS, fail, ok } from './common';

function checkTargetShape(value: ArgValue): string | null {
  if (!Array.isArray(value) || value.length < 1 || value.length > 5) {
    return 'target_shape must be a list of 1 to 5 dims (without the batch dimension), e.g. [7, 7, 16]';
  }
  let unknowns = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value[i];
    if (d === -1) unknowns++;
    else if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      return `target_shape[${i}] must be an integer ≥ 1, or -1 for one inferred dimension`;
    }
  }
  return unknowns > 1 ? 'target_shape may contain -1 at most once' : null;
}

export const Reshape: LayerSpec = {
  className: 'Reshape',
  label: 'Reshape',
  category: 'reshaping',
  description: 'Rearranges the same values into `target_shape` (batch excluded); one dim may be -1.',
  docs: 'Rearranges the same values into `target_shape` (batch excluded); one entry may be -1 and is inferred. Input → output: (None, 12) with [3, -1] → (None, 3, 4).',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'target_shape',
      label: 'Target shape',
      kind: 'shape',
      default: [-1],
      help: 'New shape without the batch dimension; -1 is inferred from the size.',
      check: checkTargetShape,
    },
  ],
  inferShape([input], config) {
    const target = config.target_shape as number[];
    const size = product(input.slice(1));
    if (size === null) {
      return fail(
        'known dimensions',
        input,
        `Reshape needs every non-batch dimension known, found ${formatShape(input)}`,
      );
    }
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const wanted = formatShape([null, ...target]);
    if (target.includes(-1)) {
      if (size % known !== 0) {
        return fail(
          `a size divisible by ${known}`,
          input,
          `Reshape cannot fit ${size} values from ${formatShape(input)} into ${wanted}: ${size} is not divisible by ${known}`,
          'target_shape',
        );
      }
      return ok([null, ...target.map((d) => (d === -1 ? size / known : d))]);
    }
    if (known !== size) {
      return fail(
        `${known} values`,
        input,
        `Reshape cannot fit ${size} values from ${formatShape(input)} into ${wanted} (${known} values)`,
        'target_shape',
      );
    }
    return ok([null, ...target]);
  },
  paramCount: () => NO_PARAMS,
};
