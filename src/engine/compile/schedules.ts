import type { EpochScheduleConfig, ScheduleConfig } from '../../experiment/spec';

/**
 * Learning-rate schedules as pure functions of the optimizer step, with the formulas of
 * `keras.optimizers.schedules` (ExponentialDecay, PiecewiseConstantDecay, CosineDecay).
 *
 * Integration: `KerasOptimizer` takes one (`makeOptimizer(config, schedule)`) and evaluates it at its own
 * `iterations` before each update, as a Keras optimizer does — so step 0 is the first batch. The UI can also
 * call `scheduleFunction(...)` to plot the curve before a run.
 */
export type Schedule = (step: number) => number;

export function scheduleFunction(config: ScheduleConfig | undefined, initialLearningRate: number): Schedule {
  if (!config) return () => initialLearningRate;
  switch (config.name) {
    case 'constant':
      return () => initialLearningRate;
    case 'piecewise_constant':
      return piecewiseConstant(config.boundaries, config.values);
    case 'exponential_decay':
      return exponentialDecay(initialLearningRate, config.decay_steps, config.decay_rate, config.staircase);
    case 'cosine_decay':
      return cosineDecay(initialLearningRate, config.decay_steps, {
        alpha: config.alpha,
        warmupTarget: config.warmup_target,
        warmupSteps: config.warmup_steps,
      });
  }
}

/** Whether a config makes the learning rate vary with the step (Keras then refuses `optimizer.learning_rate = x`). */
export function isVarying(config: ScheduleConfig | undefined): boolean {
  return config !== undefined && config.name !== 'constant';
}

/** `initial · rate^(step / decay_steps)`; with `staircase` the exponent is floored, which is step decay. */
export function exponentialDecay(
  initial: number,
  decaySteps: number,
  decayRate: number,
  staircase = false,
): Schedule {
  return (step) => {
    const p = step / decaySteps;
    return initial * decayRate ** (staircase ? Math.floor(p) : p);
  };
}

/**
 * `values[0]` while step ≤ boundaries[0], `values[i]` while boundaries[i-1] < step ≤ boundaries[i], and the last
 * value after the last boundary — Keras's boundaries are inclusive on the left value's side.
 */
export function piecewiseConstant(boundaries: number[], values: number[]): Schedule {
  if (values.length !== boundaries.length + 1) {
    throw new Error(
      `piecewise_constant needs one more value than boundaries: got ${boundaries.length} boundaries and ` +
        `${values.length} values.`,
    );
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (boundaries[i] <= boundaries[i - 1]) throw new Error('piecewise_constant boundaries must increase.');
  }
  return (step) => {
    const i = boundaries.findIndex((b) => step <= b);
    return values[i === -1 ? values.length - 1 : i];
  };
}

/**
 * Keras's CosineDecay: optional linear warmup from `initial` to `warmupTarget` over `warmupSteps`, then a half
 * cosine from the peak down to `alpha · peak` over `decaySteps`, held there afterwards (the step is clamped).
 */
export function cosineDecay(
  initial: number,
  decaySteps: number,
  options: { alpha?: number; warmupTarget?: number; warmupSteps?: number } = {},
): Schedule {
  const alpha = options.alpha ?? 0;
  const decay = (step: number, from: number) => {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * step) / decaySteps));
    return from * ((1 - alpha) * cosine + alpha);
  };
  const target = options.warmupTarget;
  if (target === undefined) return (step) => decay(Math.min(step, decaySteps), initial);
  const warmupSteps = options.warmupSteps ?? 0;
  return (rawStep) => {
    const step = Math.min(rawStep, decaySteps + warmupSteps);
    if (step < warmupSteps) return (target - initial) * (step / warmupSteps) + initial;
    return decay(step - warmupSteps, target);
  };
}

/**
 * The function a LearningRateScheduler callback calls at each epoch's start, as Keras's `schedule(epoch, lr)`
 * with a 0-based epoch. The spec holds data, not code, so it is one of the step schedules evaluated at the
 * epoch index (from `initial`), or `multiply`: `lr · factor` from `start_epoch` on — Keras's documented example.
 */
export function epochScheduleFunction(
  config: EpochScheduleConfig,
  initial: number,
): (epoch: number, lr: number) => number {
  if (config.name === 'multiply') {
    const start = config.start_epoch ?? 0;
    return (epoch, lr) => (epoch < start ? lr : lr * config.factor);
  }
  const byEpoch = scheduleFunction(config, initial);
  return (epoch) => byEpoch(epoch);
}
