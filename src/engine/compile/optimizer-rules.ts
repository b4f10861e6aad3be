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
 * Every rule below runs inside the optimizer's `tidy` and returns new values; the optimizer owns the slots and
 * the scalar tensors the rule's numbers live in.
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
  w: tf.Tensor;
  g: tf.Tensor;
  /** The current values of the weight's slots. */
  slots: Record<string, tf.Tensor>;
  lr: number;
  /** Keras's `local_step`: iterations + 1. */
  t: number;
  c: ResolvedOptimizerConfig;
  /**
   * The scalar tensor holding `x`. The optimizer hands out one tensor per value: its constants live as long as
   * it does and a step's values (the rate, a bias correction) are made once for all weights, because every
   * number passed to an op would otherwise be uploaded to the device again for each weight and each step.
   */
  s: (x: number) => tf.Scalar;
}

/** The updated weight and every slot the rule changed; the optimizer assigns them. */
export interface StepOutput {
  w: tf.Tensor;
  slots: Record<string, tf.Tensor>;
}

export interface Rule {
  /** The slot variables one weight needs, with their initial value. */
  slots(c: ResolvedOptimizerConfig): { name: string; init: number }[];
  /** The numbers every step uses whatever the rate and step: uploaded once, when the optimizer is built. */
  constants(c: ResolvedOptimizerConfig): number[];
  /** One update, as new values rather than assignments: the optimizer assigns them. */
  step(input: StepInput): StepOutput;
}

export const RULES: Record<KerasOptimizerName, Rule> = {
  sgd: {
    slots: (c) => (c.momentum !== 0 ? [{ name: 'momentum', init: 0 }] : []),
    constants: (c) => [c.momentum],
    step({ w, g, slots, lr, c, s }): StepOutput {
      const step = tf.mul(g, s(lr));
      if (!slots.momentum) return { w: tf.sub(w, step), slots: {} };
      const m = tf.sub(tf.mul(slots.momentum, s(c.momentum)), step);
      // Nesterov looks ahead along the new velocity: w += μ·v − lr·g.
      const delta = c.nesterov ? tf.sub(tf.mul(m, s(c.momentum)), step) : m;
      return { w: tf.add(w, delta), slots: { momentum: m } };
    },
  },
  adam: {
    slots: (c) => [
      { name: 'm', init: 0 },
      { name: 'v', init: 0 },
      ...(c.amsgrad ? [{ name: 'v_hat', init: 0 }] : []),
    ],
    constants: (c) => [1 - c.beta_1, 1 - c.beta_2, c.epsilon],
    step({ w, g, slots, lr, t, c, s }) {
      const alpha = (lr * Math.sqrt(1 - c.beta_2 ** t)) / (1 - c.beta_1 ** t);
      const m = tf.add(slots.m, tf.mul(tf.sub(g, slots.m), s(1 - c.beta_1)));
      const v = tf.add(slots.v, tf.mul(tf.sub(tf.square(g), slots.v), s(1 - c.beta_2)));
      const out: Record<string, tf.Tensor> = { m, v };
      let denominator = v;
      if (slots.v_hat) denominator = out.v_hat = tf.maximum(slots.v_hat, v);
      const step = tf.div(tf.mul(m, s(alpha)), tf.add(tf.sqrt(denominator), s(c.epsilon)));
      return { w: tf.sub(w, step), slots: out };
    },
  },
  rmsprop: {
    slots: (c) => [
      { name: 'velocity', init: 0 },
      ...(c.momentum > 0 ? [{ name: 'momentum', init: 0 }] : []),
      ...(c.centered ? [{ name: 'average_gradient', init: 0 }] : []),
    ],
    constants: (c) => [c.rho, 1 - c.rho, c.epsilon, c.momentum],
    step({ w, g, slots, lr, c, s }) {
      const velocity = tf.add(tf.mul(slots.velocity, s(c.rho)), tf.mul(tf.square(g), s(1 - c.rho)));
      const out: Record<string, tf.Tensor> = { velocity };
      let denominator: tf.Tensor;
      if (slots.average_gradient) {
        const avg = (out.average_gradient = tf.add(
          tf.mul(slots.average_gradient, s(c.rho)),
          tf.mul(g, s(1 - c.rho)),
        ));
        denominator = tf.add(tf.sub(velocity, tf.square(avg)), s(c.epsilon));
      } else {
        denominator = tf.add(velocity, s(c.epsilon));
      }
      const increment = tf.div(tf.mul(g, s(lr)), tf.sqrt(denominator));
      if (!slots.momentum) return { w: tf.sub(w, increment), slots: out };
      const momentum = (out.momentum = tf.add(tf.mul(slots.momentum, s(c.momentum)), increment));
      return { w: tf.sub(w, momentum), slots: out };
    },
  },
  adagrad: {
    slots: (c) => [{ name: 'accumulator', init: c.initial_accumulator_value }],
    constants: (c) => [c.epsilon],
    step({ w, g, slots, lr, c, s }) {
      const accumulator = tf.add(slots.accumulator, tf.square(g));
      const step = tf.div(tf.mul(g, s(lr)), tf.sqrt(tf.add(accumulator, s(c.epsilon))));
      return { w: tf.sub(w, step), slots: { accumulator } };
    },
  },
  adadelta: {
    slots: () => [
      { name: 'accumulated_grad', init: 0 },
      { name: 'accumulated_delta_var', init: 0 },
    ],
    constants: (c) => [c.rho, 1 - c.rho, c.epsilon],
    step({ w, g, slots, lr, c, s }) {
      const rms = (x: tf.Tensor) => tf.sqrt(tf.add(x, s(c.epsilon)));
      const ag = tf.add(tf.mul(slots.accumulated_grad, s(c.rho)), tf.mul(tf.square(g), s(1 - c.rho)));
      const delta = tf.neg(tf.div(tf.mul(rms(slots.accumulated_delta_var), g), rms(ag)));
      const adv = tf.add(
        tf.mul(slots.accumulated_delta_var, s(c.rho)),
        tf.mul(tf.square(delta), s(1 - c.rho)),
      );
      return {
        w: tf.add(w, tf.mul(delta, s(lr))),
        slots: { accumulated_grad: ag, accumulated_delta_var: adv },
      };
    },
  },
  adamax: {
    slots: () => [
      { name: 'm', init: 0 },
      { name: 'u', init: 0 },
    ],
    constants: (c) => [1 - c.beta_1, c.beta_2, c.epsilon],
    step({ w, g, slots, lr, t, c, s }) {
      const m = tf.add(slots.m, tf.mul(tf.sub(g, slots.m), s(1 - c.beta_1)));
      const u = tf.maximum(tf.mul(slots.u, s(c.beta_2)), tf.abs(g));
      const scale = lr / (1 - c.beta_1 ** t);
      return { w: tf.sub(w, tf.div(tf.mul(m, s(scale)), tf.add(u, s(c.epsilon)))), slots: { m, u } };
    },
  },
};
