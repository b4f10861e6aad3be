import type { ArgSpec, LayerConfig, LayerSpec, ParamCount, Shape } from '../types';
import { formatShape } from '../shape';
import { ACTIVATIONS, activationArg, checkRank, fail, num, ok, useBiasArg } from './common';

/** Kernel, recurrent kernel and bias blocks per cell: one per gate. */
export const RNN_GATES: Record<string, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

export const unitsArg: ArgSpec = {
  key: 'units',
  label: 'Units',
  kind: 'int',
  default: 32,
  min: 1,
  help: 'Size of the hidden state (and of the output).',
};

export const returnSequencesArg: ArgSpec = {
  key: 'return_sequences',
  label: 'Return sequences',
  kind: 'bool',
  default: false,
  help: 'Output the state at every step (to stack another RNN) instead of the last one only.',
};

export const recurrentActivationArg: ArgSpec = {
  key: 'recurrent_activation',
  label: 'Recurrent activation',
  kind: 'enum',
  default: 'sigmoid',
  options: ACTIVATIONS,
  help: 'Activation of the gates.',
};

export const resetAfterArg: ArgSpec = {
  key: 'reset_after',
  label: 'Reset after',
  kind: 'bool',
  default: false,
  kerasDefault: true,
  help: 'Apply the reset gate after the matrix product (Keras 3 default, cuDNN style); tfjs only runs false.',
};

const rate = (key: string, label: string, help: string): ArgSpec => ({
  key,
  label,
  kind: 'float',
  default: 0,
  min: 0,
  max: 1,
  exclusiveMax: true,
  help,
});

function rnnArgs(className: string): ArgSpec[] {
  const gated = className !== 'SimpleRNN';
  return [
    unitsArg,
    activationArg('tanh'),
    ...(gated ? [recurrentActivationArg] : []),
    useBiasArg,
    returnSequencesArg,
    {
      key: 'go_backwards',
      label: 'Go backwards',
      kind: 'bool',
      default: false,
      help: 'Read the sequence in reverse.',
    },
    rate('dropout', 'Dropout', 'Fraction of the inputs dropped at each step while training.'),
    rate(
      'recurrent_dropout',
      'Recurrent dropout',
      'Fraction of the state dropped at each step while training.',
    ),
    ...(className === 'GRU' ? [resetAfterArg] : []),
  ];
}

/** Shape of one recurrent layer of kind `cell` over `input` (batch, steps, features). */
export function rnnShape(layer: string, input: Shape, config: LayerConfig) {
  const rank = checkRank(layer, input, 3);
  if (rank) return rank;
  if (input[2] === null) {
    return fail('known features', input, `${layer} needs a known feature count, found ${formatShape(input)}`);
  }
  const units = num(config, 'units');
  return ok(config.return_sequences ? [input[0], input[1], units] : [input[0], units]);
}

/** Keras: gates·(features·units + units·units + units); GRU with reset_after has two bias rows. */
export function rnnParams(cell: string, input: Shape, config: LayerConfig): ParamCount {
  const units = num(config, 'units');
  const features = input[2] ?? 0;
  const biasRows = config.use_bias ? (cell === 'GRU' && config.reset_after ? 2 : 1) : 0;
  return {
    trainable: RNN_GATES[cell] * (features * units + units * units + biasRows * units),
    nonTrainable: 0,
  };
}

export const gruLimitation = (config: LayerConfig) =>
  config.reset_after
    ? 'tfjs-layers 4.22 only implements GRU with reset_after=False (Keras 3 defaults to True); turn it off'
    : null;

export function recurrent(className: string, description: string, docs: string): LayerSpec {
  return {
    className,
    label: className,
    category: 'core',
    description,
    docs,
    inputs: { min: 1, max: 1 },
    args: rnnArgs(className),
    inferShape: ([input], config) => rnnShape(className, input, config),
    paramCount: ([input], config) => rnnParams(className, input, config),
    ...(className === 'GRU' ? { tfjsLimitation: gruLimitation } : {}),
  };
}
