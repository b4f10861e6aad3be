import type { KerasLossName, LossConfig } from './spec';

/**
 * The pre-flight loss ↔ final-activation check. Keras trains whatever it is given, and the classic mistakes
 * do not fail — they train badly: softmax outputs fed to a loss with from_logits=True (a softmax applied
 * twice, gradients squashed), unbounded linear outputs fed to a cross-entropy that expects probabilities
 * (log of a negative number is clipped to log ε, so the loss plateaus), softmax over a single unit (always 1).
 *
 * Pure: no tfjs. Integration: call it per output before training with the output layer's `activation`
 * (a Dense/Conv `activation` arg, an Activation/Softmax layer's function, or 'linear' when there is none) and
 * its unit count; show `message` with `suggestion`, and refuse to start on severity 'error'.
 */
export interface LossActivationFinding {
  severity: 'error' | 'warning';
  message: string;
  suggestion: string;
}

const PROBABILITY = new Set(['sigmoid', 'softmax']);
const UNBOUNDED = new Set([
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'softplus',
  'swish',
  'mish',
  'gelu',
  'leaky_relu',
]);

export function checkLossActivation(
  loss: LossConfig | KerasLossName,
  finalActivation: string | null | undefined,
  units?: number,
): LossActivationFinding | null {
  const config = typeof loss === 'string' ? { name: loss } : loss;
  const logits = config.from_logits ?? false;
  const act = finalActivation ?? 'linear';
  const error = (message: string, suggestion: string) => ({
    severity: 'error' as const,
    message,
    suggestion,
  });
  const warning = (message: string, suggestion: string) => ({
    severity: 'warning' as const,
    message,
    suggestion,
  });

  switch (config.name) {
    case 'binary_crossentropy':
      if (logits) {
        if (PROBABILITY.has(act)) {
          return error(
            `binary_crossentropy with from_logits=True expects raw scores, but the output already applies ${act}: ` +
              `the sigmoid is applied twice and the loss cannot go below log(1 + e⁻¹).`,
            `Set the output's activation to linear, or set from_logits=False${act === 'sigmoid' ? '' : ' and use sigmoid'}.`,
          );
        }
        return null;
      }
      if (act === 'sigmoid') return null;
      if (act === 'softmax') {
        return units === 1
          ? error(
              'softmax over a single unit always outputs 1, so binary_crossentropy cannot learn anything.',
              'Use sigmoid on a one-unit output for binary classification.',
            )
          : warning(
              'binary_crossentropy treats every unit as an independent yes/no probability, but softmax makes the ' +
                'units compete (they sum to 1).',
              'Use sigmoid for multi-label outputs, or categorical_crossentropy with softmax for one class per sample.',
            );
      }
      return error(
        `binary_crossentropy expects probabilities in (0, 1), but the output's activation is ${act}: values ` +
          'outside (0, 1) are clipped, so their gradient vanishes.',
        'Use sigmoid on the output layer, or keep it linear and set from_logits=True (more stable).',
      );

    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy':
      if (units === 1) {
        return error(
          `${config.name} over a single unit is always 0 after normalisation: there is only one class.`,
          'Give the output one unit per class, or use binary_crossentropy with sigmoid for two classes.',
        );
      }
      if (logits) {
        if (act === 'softmax') {
          return error(
            `${config.name} with from_logits=True expects raw scores, but the output already applies softmax: ` +
              'softmax is applied twice, which squashes the gradients and slows or stalls training.',
            'Remove the softmax (linear output) or set from_logits=False.',
          );
        }
        if (act === 'sigmoid') {
          return warning(
            `${config.name} with from_logits=True expects raw scores, but the output applies sigmoid first.`,
            'Use a linear output with from_logits=True.',
          );
        }
        return null;
      }
      if (act === 'softmax') return null;
      if (act === 'sigmoid') {
        return warning(
          `${config.name} expects a probability distribution; sigmoid outputs do not sum to 1 (Keras rescales ` +
            'them, which hides the mistake).',
          'Use softmax on the output layer, or a linear output with from_logits=True.',
        );
      }
      return error(
        `${config.name} expects probabilities that sum to 1, but the output's activation is ${act}` +
          (UNBOUNDED.has(act) ? ' (unbounded, can be zero or negative)' : '') +
          ': the log is taken of clipped values and the loss stalls.',
        'Use softmax on the output layer, or keep it linear and set from_logits=True (more stable).',
      );

    case 'hinge':
      if (act === 'sigmoid' || act === 'softmax' || act === 'relu') {
        return warning(
          `hinge wants a raw score whose sign is the class (targets −1/1), but ${act} cannot go negative.`,
          'Use a linear or tanh output with hinge.',
        );
      }
      return null;

    case 'mean_squared_error':
    case 'mean_absolute_error':
    case 'huber':
      if (logits) {
        return warning(
          `from_logits has no meaning for ${config.name}; it is ignored.`,
          'Remove from_logits.',
        );
      }
      if (act === 'softmax' && units !== undefined && units > 1) {
        return warning(
          `${config.name} on softmax outputs trains a classifier with a regression loss: it learns, but ` +
            'more slowly than cross-entropy.',
          'For one class per sample, use categorical_crossentropy.',
        );
      }
      return null;
  }
}
