import type { LayerSpec } from '../types';
import { NO_PARAMS, checkRank, num, ok } from './common';

export const RepeatVector: LayerSpec = {
  className: 'RepeatVector',
  label: 'RepeatVector',
  category: 'reshaping',
  description: 'Repeats a vector `n` times, making a sequence of it.',
  docs:
    'Turns one vector per sample into a sequence of n copies, e.g. to feed an encoding to every step of a ' +
    'decoder RNN. Input → output: (None, F) → (None, n, F).',
  inputs: { min: 1, max: 1 },
  args: [{ key: 'n', label: 'Repeats', kind: 'int', default: 2, min: 1, help: 'How many copies (steps).' }],
  inferShape: ([input], config) =>
    checkRank('RepeatVector', input, 2) ?? ok([input[0], num(config, 'n'), input[1]]),
  paramCount: () => NO_PARAMS,
};
