import type { LayerSpec } from '../types';
import { activationArg, useBiasArg } from './common';
import {
  gruLimitation,
  recurrentActivationArg,
  resetAfterArg,
  returnSequencesArg,
  rnnParams,
  rnnShape,
  unitsArg,
} from './rnn';

/**
 * Keras nests the wrapped layer as `{class_name, config}`; the graph's config values are flat, so the wrapped
 * kind is `layer` and its args sit beside merge_mode (formats/keras-json.ts converts both ways).
 */
export const Bidirectional: LayerSpec = {
  className: 'Bidirectional',
  label: 'Bidirectional',
  category: 'core',
  description: 'Runs an RNN forwards and a copy backwards over the sequence and merges the two.',
  docs:
    'Wraps a SimpleRNN, LSTM or GRU (`layer`): one copy reads the sequence forwards, another backwards, and ' +
    'merge_mode joins their outputs. Input → output: (None, steps, F) → (None, 2·units) with concat, (None, ' +
    'units) with sum/mul/ave; a steps axis is kept with return_sequences. Params: twice the wrapped layer.',
  inputs: { min: 1, max: 1 },
  args: [
    {
      key: 'layer',
      label: 'Layer',
      kind: 'enum',
      default: 'LSTM',
      options: ['SimpleRNN', 'LSTM', 'GRU'],
      help: 'The recurrent layer run in both directions.',
    },
    unitsArg,
    activationArg('tanh'),
    { ...recurrentActivationArg, help: 'Activation of the gates (LSTM and GRU).' },
    useBiasArg,
    returnSequencesArg,
    {
      key: 'merge_mode',
      label: 'Merge mode',
      kind: 'enum',
      default: 'concat',
      options: ['concat', 'sum', 'mul', 'ave'],
      help: 'How the two directions are joined.',
    },
    { ...resetAfterArg, help: 'GRU only: see GRU. tfjs only runs false.' },
  ],
  inferShape([input], config) {
    const inner = rnnShape('Bidirectional', input, config);
    if (!inner.ok || config.merge_mode !== 'concat') return inner;
    const shape = [...inner.shape];
    shape[shape.length - 1] = 2 * (shape[shape.length - 1] as number);
    return { ok: true, shape };
  },
  paramCount([input], config) {
    const one = rnnParams(config.layer as string, input, config);
    return { trainable: 2 * one.trainable, nonTrainable: 2 * one.nonTrainable };
  },
  tfjsLimitation: (config) => (config.layer === 'GRU' ? gruLimitation(config) : null),
};
