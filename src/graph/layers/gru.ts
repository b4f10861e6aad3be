import { recurrent } from './rnn';

export const GRU = recurrent(
  'GRU',
  'Gated recurrent unit: a lighter gated RNN with update and reset gates.',
  'A recurrent layer with update and reset gates: nearly an LSTM with fewer weights. Input → output: (None, ' +
    'steps, F) → (None, units), or (None, steps, units) with return_sequences. Params: 3·(F·units + units² + ' +
    'units), plus 3·units with reset_after. Kiln defaults reset_after to False (Keras 3: True) because ' +
    'tfjs-layers 4.22 implements only False.',
);
