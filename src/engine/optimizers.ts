import type { OptimizerConfig, OptimizerName, ScheduleConfig } from '../experiment/spec';
import type { ClipOptions } from './compile/clipping';
import { KerasOptimizer } from './compile/keras-optimizer';
import { resolveOptimizerConfig } from './compile/optimizer-rules';
import { scheduleFunction, isVarying } from './compile/schedules';

export { KerasOptimizer } from './compile/keras-optimizer';

export interface OptimizerExtras {
  schedule?: ScheduleConfig;
  clip?: ClipOptions;
}

/**
 * A fresh optimizer for one run, with Keras's update rules, argument names and defaults (see
 * compile/optimizer-rules.ts). The caller owns it: `model.dispose()` does not dispose an optimizer it did not
 * create (Adam keeps two slot variables per weight), so the run disposes it in its `finally`.
 *
 * Two forms: `makeOptimizer('adam', 0.001)` (the original spec fields) and
 * `makeOptimizer({ name: 'sgd', momentum: 0.9, nesterov: true }, undefined, { schedule, clip })` — Keras's
 * arguments, any left out taking Keras's default (`learningRate` is the fallback for `learning_rate`).
 */
export function makeOptimizer(
  nameOrConfig: OptimizerName | OptimizerConfig,
  learningRate?: number,
  extras: OptimizerExtras = {},
): KerasOptimizer {
  const config = typeof nameOrConfig === 'string' ? { name: nameOrConfig } : nameOrConfig;
  const resolved = resolveOptimizerConfig(config, learningRate);
  const schedule = isVarying(extras.schedule)
    ? scheduleFunction(extras.schedule, resolved.learning_rate)
    : null;
  return new KerasOptimizer(resolved, schedule, extras.clip ?? {});
}
