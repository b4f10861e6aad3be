import { recurrent } from './rnn';

export const SimpleRNN = recurrent(
  'SimpleRNN',
  'A recurrent layer: each step mixes the input with the previous state.',
  'Reads a sequence step by step: state = activation(x_t·W + state·U + b). Input → output: (None, steps, F) ' +
    '→ (None, units), or (None, steps, units) with return_sequences. Params: F·units + units² + units.',
);
