import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { KerasOptimizerName, OptimizerConfig } from '../../experiment/spec';
import { makeOptimizer } from '../optimizers';
import { clipGradients, clippingProblem } from './clipping';
import { useCpuWithoutLeaks, values } from './test-utils';

useCpuWithoutLeaks();

/**
 * Keras 3's update_step for one scalar weight, written out in plain arithmetic (float64) as the reference.
 * `lrs[i]` is the rate at step i, so a rate change mid-run (a schedule, ReduceLROnPlateau) is covered.
 */
function reference(
  name: KerasOptimizerName,
  c: Record<string, number | boolean>,
  grads: number[],
  lrs: number[],
) {
  let w = 1;
  const s = {
    m: 0,
    v: 0,
    vhat: 0,
    u: 0,
    acc: Number(c.initial_accumulator_value ?? 0.1),
    ag: 0,
    adv: 0,
    mom: 0,
    avg: 0,
  };
  const eps = Number(c.epsilon ?? 1e-7);
  const b1 = Number(c.beta_1 ?? 0.9);
  const b2 = Number(c.beta_2 ?? 0.999);
  grads.forEach((g, i) => {
    const lr = lrs[i];
    const t = i + 1;
    const mu = Number(c.momentum ?? 0);
    const rho = Number(c.rho ?? (name === 'adadelta' ? 0.95 : 0.9));
    if (name === 'sgd') {
      if (mu === 0) w -= lr * g;
      else {
        s.mom = mu * s.mom - lr * g;
        w += c.nesterov ? mu * s.mom - lr * g : s.mom;
      }
    } else if (name === 'adam') {
      s.m += (g - s.m) * (1 - b1);
      s.v += (g * g - s.v) * (1 - b2);
      s.vhat = Math.max(s.vhat, s.v);
      const v = c.amsgrad ? s.vhat : s.v;
      w -= (s.m * (lr * Math.sqrt(1 - b2 ** t))) / (1 - b1 ** t) / (Math.sqrt(v) + eps);
    } else if (name === 'rmsprop') {
      s.v = rho * s.v + (1 - rho) * g * g;
      s.avg = rho * s.avg + (1 - rho) * g;
      const inc = (lr * g) / Math.sqrt((c.centered ? s.v - s.avg * s.avg : s.v) + eps);
      if (mu > 0) {
        s.mom = mu * s.mom + inc;
        w -= s.mom;
      } else w -= inc;
    } else if (name === 'adagrad') {
      s.acc += g * g;
      w -= (lr * g) / Math.sqrt(s.acc + eps);
    } else if (name === 'adadelta') {
      s.ag = rho * s.ag + (1 - rho) * g * g;
      const delta = (-Math.sqrt(s.adv + eps) * g) / Math.sqrt(s.ag + eps);
      s.adv = rho * s.adv + (1 - rho) * delta * delta;
      w += lr * delta;
    } else {
      s.m += (g - s.m) * (1 - b1);
      s.u = Math.max(b2 * s.u, Math.abs(g));
      w -= (lr * s.m) / ((1 - b1 ** t) * (s.u + eps));
    }
  });
  return w;
}

const grads = [0.5, -0.2, 0.8, 0.1, -0.4, 0.3];
const lrs = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05];

const cases: OptimizerConfig[] = [
  { name: 'sgd' },
  { name: 'sgd', momentum: 0.9 },
  { name: 'sgd', momentum: 0.9, nesterov: true },
  { name: 'adam' },
  { name: 'adam', amsgrad: true, beta_1: 0.8 },
  { name: 'rmsprop' },
  { name: 'rmsprop', momentum: 0.5, centered: true },
  { name: 'adagrad', initial_accumulator_value: 0.5 },
  { name: 'adadelta', rho: 0.9 },
  { name: 'adamax' },
];

describe('optimizers: Keras update rules, arguments and defaults', () => {
  it.each(cases)('$name %o matches Keras update_step, including a rate change mid-run', (config) => {
    const { name: _n, ...args } = config;
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1])));
    const opt = makeOptimizer({ ...config, learning_rate: lrs[0] });
    grads.forEach((g, i) => {
      opt.setLearningRate(lrs[i]);
      const grad = tf.tensor1d([g]);
      opt.applyGradients({ [w.name]: grad });
      grad.dispose();
    });
    expect(w.dataSync()[0]).toBeCloseTo(reference(config.name, args, grads, lrs), 5);
    expect(opt.iterations).toBe(grads.length);
    opt.dispose();
    w.dispose();
  });

  it('fills Keras defaults: SGD 0.01, the others 0.001, ε 1e-7; the old (name, rate) form still works', () => {
    const made = [
      makeOptimizer({ name: 'sgd' }),
      makeOptimizer({ name: 'adadelta' }),
      makeOptimizer({ name: 'adagrad' }),
      makeOptimizer('adam', 0.05),
      makeOptimizer({ name: 'adam', learning_rate: 0.3 }, 0.05),
    ];
    const [sgd, adadelta, adagrad, adam, both] = made;
    expect(sgd.config).toMatchObject({ learning_rate: 0.01, momentum: 0 });
    expect(adadelta.config).toMatchObject({ learning_rate: 0.001, rho: 0.95 });
    expect(adagrad.config).toMatchObject({ initial_accumulator_value: 0.1 });
    expect(adam.config).toMatchObject({ learning_rate: 0.05, beta_2: 0.999, epsilon: 1e-7 });
    expect(both.learningRate).toBe(0.3);
    // An optimizer holds its constants as tensors from the start.
    made.forEach((o) => o.dispose());
  });

  it.each([
    { name: 'sgd', learning_rate: 0.1 },
    { name: 'adam', learning_rate: 0.1 },
    { name: 'rmsprop', learning_rate: 0.05 },
    { name: 'adagrad', learning_rate: 0.5 },
    // Adadelta's steps start near √ε, so with Keras's ε = 1e-7 it needs thousands of steps to move at all.
    { name: 'adadelta', learning_rate: 1, epsilon: 1e-2 },
    { name: 'adamax', learning_rate: 0.1 },
  ] as OptimizerConfig[])('$name lowers the loss of a tiny regression', (config) => {
    const x = tf.tensor2d([[-1], [0], [1], [2]]);
    const y = tf.tensor2d([[-1], [1], [3], [5]]);
    const input = tf.input({ shape: [1] });
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor,
    });
    const opt = makeOptimizer(config);
    const loss = () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar;
    const first = values(loss)[0];
    for (let i = 0; i < 30; i++) opt.minimize(loss);
    expect(values(loss)[0]).toBeLessThan(first * 0.5);
    opt.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });

  it('follows its schedule by step, and refuses a manual rate then (as Keras does)', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1])));
    const opt = makeOptimizer({ name: 'sgd', learning_rate: 1 }, undefined, {
      schedule: { name: 'piecewise_constant', boundaries: [0], values: [0.5, 0.1] },
    });
    expect(opt.learningRate).toBe(0.5);
    for (let i = 0; i < 2; i++) {
      const g = tf.tensor1d([1]);
      opt.applyGradients({ [w.name]: g });
      g.dispose();
    }
    expect(w.dataSync()[0]).toBeCloseTo(1 - 0.5 - 0.1, 6);
    expect(() => opt.setLearningRate(0.2)).toThrow(/not settable/);
    opt.dispose();
    w.dispose();
  });

  it('keeps its state in slots it disposes, and round-trips them through getWeights/setWeights', async () => {
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const opt = makeOptimizer({ name: 'adam' });
    const g = tf.tensor1d([0.1, 0.2]);
    opt.applyGradients({ [w.name]: g });
    const saved = await opt.getWeights();
    expect(saved.map((s) => s.name)).toEqual(['iter', `${w.name}/m`, `${w.name}/v`]);
    const other = makeOptimizer({ name: 'adam' });
    await other.setWeights(saved);
    expect(other.iterations).toBe(1);
    opt.applyGradients({ [w.name]: g });
    // getWeights hands out copies: the caller's to dispose.
    tf.dispose(saved.map((s) => s.tensor));
    opt.dispose();
    other.dispose();
    tf.dispose([w, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('gradient clipping (Keras optimizer arguments)', () => {
  const run = (grads: number[][], options: Parameters<typeof clipGradients>[1]) => {
    const out = tf.tidy(() =>
      clipGradients(
        grads.map((g) => tf.tensor1d(g)),
        options,
      ).map((t) => t.arraySync()),
    );
    return out as number[][];
  };

  it('clipnorm rescales each gradient to norm ≤ clipnorm on its own', () => {
    const [a, b] = run(
      [
        [3, 4],
        [0.3, 0.4],
      ],
      { clipnorm: 1 },
    );
    expect(a[0]).toBeCloseTo(0.6, 6);
    expect(a[1]).toBeCloseTo(0.8, 6);
    expect(b[0]).toBeCloseTo(0.3, 6); // already below: unchanged
    expect(run([[0, 0]], { clipnorm: 1 })[0]).toEqual([0, 0]); // no 0/0
  });

  it('global_clipnorm rescales all together; clipvalue clips elements', () => {
    const [a, b] = run(
      [
        [3, 0],
        [0, 4],
      ],
      { global_clipnorm: 1 },
    );
    expect(a[0]).toBeCloseTo(0.6, 6);
    expect(b[1]).toBeCloseTo(0.8, 6);
    expect(run([[3, -0.2, -7]], { clipvalue: 0.5 })[0].map((v) => Math.round(v * 10) / 10)).toEqual([
      0.5, -0.2, -0.5,
    ]);
  });

  it('refuses two clipping options, as Keras does', () => {
    expect(clippingProblem({ clipnorm: 1, clipvalue: 1 })).toMatch(/Only one of/);
    expect(() =>
      makeOptimizer({ name: 'sgd' }, undefined, { clip: { clipnorm: 1, clipvalue: 1 } }),
    ).toThrow();
  });

  it('is applied inside the optimizer before the update', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([0, 0])));
    const opt = makeOptimizer({ name: 'sgd', learning_rate: 1 }, undefined, { clip: { clipnorm: 1 } });
    const g = tf.tensor1d([3, 4]);
    opt.applyGradients({ [w.name]: g });
    const [a, b] = Array.from(w.dataSync());
    expect(a).toBeCloseTo(-0.6, 6);
    expect(b).toBeCloseTo(-0.8, 6);
    opt.dispose();
    tf.dispose([w, g]);
  });
});
