import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../../experiment/spec';
import { KerasOptimizer } from './keras-optimizer';
import { resolveOptimizerConfig } from './optimizer-rules';
import { useCpuWithoutLeaks } from './test-utils';

useCpuWithoutLeaks();

/**
 * The optimizer updates all weights laid end to end (flat-slots.ts). These tests hold that to the plain
 * weight-by-weight update: `maxGroupElements = 1` puts every weight in a group of its own.
 */
const CONFIGS: OptimizerConfig[] = [
  { name: 'sgd', momentum: 0.9, nesterov: true },
  { name: 'adam', amsgrad: true },
  { name: 'rmsprop', momentum: 0.5, centered: true },
  { name: 'adagrad' },
  { name: 'adadelta', learning_rate: 1 },
  { name: 'adamax' },
];
const SHAPES = [[3, 2], [2], [1, 4, 1]];

function weights(tag: string): tf.Variable[] {
  return SHAPES.map((shape, i) =>
    tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i), true, `${tag}_w${i}`)),
  );
}

function gradient(shape: number[], step: number, i: number): tf.Tensor {
  // Seeds from 1: tfjs takes a seed of 0 for none.
  return tf.randomNormal(shape, 0, 1, 'float32', 1 + 100 * step + i);
}

/** Trains `steps` steps; on the steps listed in `skip`, the middle weight gets no gradient. */
async function train(config: OptimizerConfig, maxGroupElements: number, steps: number, skip: number[] = []) {
  const tag = `g${maxGroupElements}_${config.name}_${skip.length}`;
  const ws = weights(tag);
  const optimizer = new KerasOptimizer(resolveOptimizerConfig(config), null, {}, maxGroupElements);
  for (let step = 0; step < steps; step++) {
    const grads = ws.map((w, i) => (skip.includes(step) && i === 1 ? null : gradient(w.shape, step, i)));
    optimizer.applyGradients(
      ws.map((w, i) => ({ name: w.name, tensor: grads[i] })).filter((g) => g.tensor !== null) as {
        name: string;
        tensor: tf.Tensor;
      }[],
    );
    tf.dispose(grads.filter((g): g is tf.Tensor => g !== null));
  }
  const values = ws.map((w) => Array.from(w.dataSync()));
  const saved = await optimizer.getWeights();
  const slots = saved.map((s) => ({
    name: s.name.replace(`${tag}_`, ''),
    values: Array.from(s.tensor.dataSync()),
  }));
  tf.dispose(saved.map((s) => s.tensor));
  optimizer.dispose();
  tf.dispose(ws);
  return { values, slots };
}

describe('the grouped optimizer update', () => {
  it.each(CONFIGS.map((c) => [c.name, c] as const))(
    '%s: weights and slots equal a weight-by-weight update exactly',
    async (_, config) => {
      const grouped = await train(config, 1 << 24, 3);
      const separate = await train(config, 1, 3);
      expect(grouped.values).toEqual(separate.values);
      expect(grouped.slots).toEqual(separate.slots);
    },
  );

  it('leaves the slots of a weight that got no gradient untouched, as Keras does', async () => {
    const config: OptimizerConfig = { name: 'adam' };
    const grouped = await train(config, 1 << 24, 3, [1]);
    const separate = await train(config, 1, 3, [1]);
    expect(grouped.values).toEqual(separate.values);
    expect(grouped.slots).toEqual(separate.slots);
    // The skipped step really was skipped: the result differs from three full steps.
    const full = await train(config, 1 << 24, 3);
    expect(grouped.values[1]).not.toEqual(full.values[1]);
    expect(grouped.values[0]).toEqual(full.values[0]);
  });

  it('splits the weights into groups of at most maxGroupElements values without changing the result', async () => {
    const config: OptimizerConfig = { name: 'rmsprop', momentum: 0.9 };
    // Sizes 6, 2, 4: a limit of 7 makes the groups [6], [2, 4].
    const split = await train(config, 7, 3);
    const separate = await train(config, 1, 3);
    expect(split.values).toEqual(separate.values);
    expect(split.slots).toEqual(separate.slots);
  });

  it('restores saved slots into a fresh optimizer, which then continues exactly', async () => {
    const config = resolveOptimizerConfig({ name: 'adam' });
    const [a, b] = [weights('ra'), weights('rb')];
    const first = new KerasOptimizer(config);
    const step = (opt: KerasOptimizer, ws: tf.Variable[], n: number) => {
      const grads = ws.map((w, i) => gradient(w.shape, n, i));
      opt.applyGradients(ws.map((w, i) => ({ name: w.name, tensor: grads[i] })));
      tf.dispose(grads);
    };
    step(first, a, 0);
    step(first, a, 1);
    const saved = await first.getWeights();
    // The second optimizer's weights are another set with the same values; the slot names follow them.
    b.forEach((w, i) => w.assign(a[i]));
    const second = new KerasOptimizer(config);
    await second.setWeights(saved.map((s) => ({ name: s.name.replace('ra_', 'rb_'), tensor: s.tensor })));
    tf.dispose(saved.map((s) => s.tensor));
    expect(second.iterations).toBe(2);
    step(first, a, 2);
    step(second, b, 2);
    expect(b.map((w) => Array.from(w.dataSync()))).toEqual(a.map((w) => Array.from(w.dataSync())));
    [first, second].forEach((o) => o.dispose());
    tf.dispose([...a, ...b]);
  });
});
