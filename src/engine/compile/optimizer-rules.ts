import * as tf from '@tensorflow/tfjs';
import type { KerasOptimizerName, OptimizerConfig } from '../../experiment/spec';
import { KERAS_OPTIMIZER_DEFAULTS } from '../../experiment/keras-defaults';

/**
 * The update rules of Keras 3's optimizers (keras/src/optimizers/*.py, `update_step`), written with tfjs ops.
 * Kiln implements them itself rather than using `tf.train.*` because tfjs differs from Keras in ways a user
 * comparing runs would see:
 * - tfjs's momentum accumulates raw gradients and multiplies by the *current* rate (w −= lr·acc); Keras keeps
 *   a velocity of rate-scaled steps (v = μv − lr·g). They agree only while the rate is constant, so with a
 *   schedule or ReduceLROnPlateau they diverge;
 * - tfjs's Adam adds ε to the bias-corrected √v̂; Keras folds the correction into the rate and adds ε to the
 *   raw √v (the paper's "ε-hat"); tfjs has no AMSGrad;
 * - tfjs's Adagrad takes ε from the backend (1e-7, or 1e-4 on a float16 WebGL) and cannot be given one;
 * - tfjs's RMSprop always keeps a momentum slot; Keras keeps one only when momentum > 0.
 * Every rule below runs inside the optimizer's `tidy`; slots are variables the optimizer owns.
 */

/** Every Keras argument filled in: what a rule reads. */
export type ResolvedOptimizerConfig = Required<Omit<OptimizerConfig, 'learning_rate'>> & {
  learning_rate: number;
};

/** Values for the arguments an optimizer does not use, so the resolved config is one flat shape. */
const UNUSED = {
  momentum: 0,
  nesterov: false,
  beta_1: 0.9,
  beta_2: 0.999,
  epsilon: 1e-7,
  amsgrad: false,
  rho: 0.9,
  centered: false,
  initial_accumulator_value: 0.1,
};

/** Keras's defaults under the user's choices; `fallbackRate` is used when the config sets no learning_rate. */
export function resolveOptimizerConfig(
  config: OptimizerConfig,
  fallbackRate?: number,
): ResolvedOptimizerConfig {
  // Keras 3's defaults live in src/experiment so the UI and the code view show the same ones without tfjs.
  const defaults = KERAS_OPTIMIZER_DEFAULTS[config.name];
  const chosen = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  return {
    ...UNUSED,
    ...defaults,
    learning_rate: fallbackRate ?? defaults.learning_rate,
    ...chosen,
  } as ResolvedOptimizerConfig;
}

export interface StepInput {
  w: tf.Variable;
  g: tf.Tensor;
  slots: Record<string, tf.Variable>;
  lr: number;
  /** Keras's `local_step`: iterations + 1. */
  t: number;
  c: ResolvedOptimizerConfig;
}

export interface Rule {
  /** The slot variables one weight needs, with their initial value. */
  slots(c: ResolvedOptimizerConfig): { name: string; init: number }[];
  step(input: StepInput): void;
}

export const RULES: Record<KerasOptimizerName, Rule> = {
  sgd: {
    slots: (c) => (c.momentum !== 0 ? [{ name: 'momentum', init: 0 }] : []),
    step({ w, g, slots, lr, c }) {
      const m = slots.momentum;
      if (!m) {
        w.assign(tf.sub(w, tf.mul(g, lr)));
        return;
      }
      m.assign(tf.sub(tf.mul(m, c.momentum), tf.mul(g, lr)));
      // Nesterov looks ahead along the new velocity: w += μ·v − lr·g.
      const delta = c.nesterov ? tf.sub(tf.mul(m, c.momentum), tf.mul(g, lr)) : m;
      w.assign(tf.add(w, delta));
    },
  },
  adam: {
    slots: (c) => [
      { name: 'm', init: 0 },
      { name: 'v', init: 0 },
      ...(c.amsgrad ? [{ name: 'v_hat', init: 0 }] : []),
    ],
    step({ w, g, slots, lr, t, c }) {
      const alpha = (lr * Math.sqrt(1 - c.beta_2 ** t)) / (1 - c.beta_1 ** t);
      slots.m.assign(tf.add(slots.m, tf.mul(tf.sub(g, slots.m), 1 - c.beta_1)));
      slots.v.assign(tf.add(slots.v, tf.mul(tf.sub(tf.square(g), slots.v), 1 - c.beta_2)));
      let v: tf.Tensor = slots.v;
      if (slots.v_hat) {
        slots.v_hat.assign(tf.maximum(slots.v_hat, slots.v));
        v = slots.v_hat;
      }
      w.assign(tf.sub(w, tf.div(tf.mul(slots.m, alpha), tf.add(tf.sqrt(v), c.epsilon))));
    },
  },
  rmsprop: {
    slots: (c) => [
      { name: 'velocity', init: 0 },
      ...(c.momentum > 0 ? [{ name: 'momentum', init: 0 }] : []),
      ...(c.centered ? [{ name: 'average_gradient', init: 0 }] : []),
    ],
    step({ w, g, slots, lr, c }) {
      const { velocity, momentum, average_gradient: avg } = slots;
      velocity.assign(tf.add(tf.mul(velocity, c.rho), tf.mul(tf.square(g), 1 - c.rho)));
      let denominator: tf.Tensor;
      if (avg) {
        avg.assign(tf.add(tf.mul(avg, c.rho), tf.mul(g, 1 - c.rho)));
        denominator = tf.add(tf.sub(velocity, tf.square(avg)), c.epsilon);
      } else {
        denominator = tf.add(velocity, c.epsilon);
      }
      const increment = tf.div(tf.mul(g, lr), tf.sqrt(denominator));
      if (momentum) {
        momentum.assign(tf.add(tf.mul(momentum, c.momentum), increment));
        w.assign(tf.sub(w, momentum));
      } else {
        w.assign(tf.sub(w, increment));
      }
    },
  },
  adagrad: {
    slots: (c) => [{ name: 'accumulator', init: c.initial_accumulator_value }],
    step({ w, g, slots, lr, c }) {
      const acc = slots.accumulator;
      acc.assign(tf.add(acc, tf.square(g)));
      w.assign(tf.sub(w, tf.div(tf.mul(g, lr), tf.sqrt(tf.add(acc, c.epsilon)))));
    },
  },
  adadelta: {
    slots: () => [
      { name: 'accumulated_grad', init: 0 },
      { name: 'accumulated_delta_var', init: 0 },
    ],
    step({ w, g, slots, lr, c }) {
      const { accumulated_grad: ag, accumulated_delta_var: adv } = slots;
      const rms = (x: tf.Tensor) => tf.sqrt(tf.add(x, c.epsilon));
      ag.assign(tf.add(tf.mul(ag, c.rho), tf.mul(tf.square(g), 1 - c.rho)));
      const delta = tf.neg(tf.div(tf.mul(rms(adv), g), rms(ag)));
      adv.assign(tf.add(tf.mul(adv, c.rho), tf.mul(tf.square(delta), 1 - c.rho)));
      w.assign(tf.add(w, tf.mul(delta, lr)));
    },
  },
  adamax: {
    slots: () => [
      { name: 'm', init: 0 },
      { name: 'u', init: 0 },
    ],
    step({ w, g, slots, lr, t, c }) {
      slots.m.assign(tf.add(slots.m, tf.mul(tf.sub(g, slots.m), 1 - c.beta_1)));
      slots.u.assign(tf.maximum(tf.mul(slots.u, c.beta_2), tf.abs(g)));
      const scale = lr / (1 - c.beta_1 ** t);
      w.assign(tf.sub(w, tf.div(tf.mul(slots.m, scale), tf.add(slots.u, c.epsilon))));
    },
  },
};
