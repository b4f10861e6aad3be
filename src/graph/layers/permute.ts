import type { ArgValue, LayerSpec } from '../types';
import { formatShape } from '../shape';
import { NO_PARAMS, fail, ok } from './common';

function checkDims(value: ArgValue): string | null {
  if (!Array.isArray(value) || value.length < 1 || value.length > 5)
    return 'dims must be a list of 1 to 5 axes';
  const sorted = [...value].sort((a, b) => (a as number) - (b as number));
  return sorted.every((d, i) => d === i + 1)
    ? null
    : `dims must be a permutation of 1…${value.length} (axes counted from 1; the batch axis never moves)`;
}

export const Permute: LayerSpec = {
  className: 'Permute',
  label: 'Permute',
  category: 'reshaping',
  description: 'Reorders the non-batch axes, e.g. [2, 1] swaps steps and features.',
  docs:
    'Transposes the non-batch axes: output axis i is input axis dims[i] (axes counted from 1). Input → output: ' +
    '(None, 10, 64) with dims [2, 1] → (None, 64, 10).',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'dims',
      label: 'Dims',
      kind: 'shape',
      default: [2, 1],
      help: 'The new order of the input axes, counted from 1 (the batch axis is 0 and stays).',
      check: checkDims,
    },
  ],
  inferShape([input], config) {
    const dims = config.dims as number[];
    if (dims.length !== input.length - 1) {
      return fail(
        `${input.length - 1} axes`,
        `${dims.length} axes`,
        `Permute dims [${dims.join(', ')}] must list all ${input.length - 1} non-batch axes of ${formatShape(input)}`,
        'dims',
      );
    }
    return ok([input[0], ...dims.map((d) => input[d])]);
  },
  paramCount: () => NO_PARAMS,
};
