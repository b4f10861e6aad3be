import type { KerasOptimizerName, OptimizerConfig } from './spec';

/**
 * Keras 3's optimizer defaults (the signatures of keras.optimizers.SGD, Adam, RMSprop, Adagrad, Adadelta,
 * Adamax). Pure data: the engine fills a config with them, the settings panel shows them, and the code view
 * leaves out any argument equal to them.
 */
export const KERAS_OPTIMIZER_DEFAULTS: Record<
  KerasOptimizerName,
  Partial<Record<Exclude<keyof OptimizerConfig, 'name'>, number | boolean>> & { learning_rate: number }
> = {
  sgd: { learning_rate: 0.01, momentum: 0, nesterov: false },
  adam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false },
  rmsprop: { learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
  adagrad: { learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7 },
  adadelta: { learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 },
  adamax: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
};
