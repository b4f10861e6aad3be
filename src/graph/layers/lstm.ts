import { recurrent } from './rnn';

export const LSTM = recurrent(
  'LSTM',
  'Long short-term memory: a gated RNN that keeps information over long sequences.',
  'A recurrent layer with input, forget and output gates and a cell state, so it remembers over many steps. ' +
    'Input → output: (None, steps, F) → (None, units), or (None, steps, units) with return_sequences. Params: ' +
    '4·(F·units + units² + units).',
);
