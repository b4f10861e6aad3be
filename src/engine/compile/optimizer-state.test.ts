import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../../experiment/spec';
import { KerasOptimizer } from './keras-optimizer';
import { resolveOptimizerConfig } from './optimizer-rules';
import { useCpuWithoutLeaks } from './test-utils';

useCpuWithoutLeaks();

/** The optimizer's state across steps: weights without a gradient, checkpoints, and its own tensors. */
const SHAPES = [[3, 2], [2], [1, 4, 1]];

function weights(tag: string): tf.Variable[] {
  return SHAPES.map((shape, i) =>
    tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i), true, `${tag}_w${i}`)),
  );
}

/** Seeds from 1: tfjs takes a seed of 0 for none. */
function gradient(shape: number[], step: number, i: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', 1 + 100 * step + i);
}

/** One step; the weights whose index is in `skip` get no gradient. */
function step(optimizer: KerasOptimizer, ws: tf.Variable[], n: number, skip: number[] = []): void {
  const grads = ws.map((w, i) => ({ name: w.name, tensor: gradient(w.shape, n, i) }));
  optimizer.applyGradients(grads.filter((_, i) => !skip.includes(i)));
  tf.dispose(grads.map((g) => g.tensor));
}

async function slotValues(optimizer: KerasOptimizer): Promise<Record<string, number[]>> {
  const saved = await optimizer.getWeights();
  const out = Object.fromEntries(saved.map((s) => [s.name, Array.from(s.tensor.dataSync())]));
  tf.dispose(saved.map((s) => s.tensor));
  return out;
}

const CONFIGS: OptimizerConfig[] = [
  { name: 'sgd', momentum: 0.9, nesterov: true },
  { name: 'adam', amsgrad: true },
  { name: 'rmsprop', momentum: 0.5, centered: true },
  { name: 'adagrad' },
  { name: 'adadelta', learning_rate: 1 },
  { name: 'adamax' },
];

describe('optimizer state', () => {
  it.each(CONFIGS.map((c) => [c.name, c] as const))(
    '%s: a weight that gets no gradient keeps its value and its slots, as Keras skips it',
    async (name, config) => {
      const ws = weights(`skip_${name}`);
      const optimizer = new KerasOptimizer(resolveOptimizerConfig(config));
      step(optimizer, ws, 0);
      const before = { value: Array.from(ws[1].dataSync()), slots: await slotValues(optimizer) };
      const firstBefore = Array.from(ws[0].dataSync());
      step(optimizer, ws, 1, [1]);
      const after = await slotValues(optimizer);
      expect(Array.from(ws[1].dataSync())).toEqual(before.value);
      for (const key of Object.keys(after).filter((k) => k.startsWith(ws[1].name + '/'))) {
        expect(after[key]).toEqual(before.slots[key]);
      }
      // The other weights did move on that step.
      expect(Array.from(ws[0].dataSync())).not.toEqual(firstBefore);
      expect(optimizer.iterations).toBe(2);
      optimizer.dispose();
      tf.dispose(ws);
    },
  );

  it('restores saved slots into a fresh optimizer, which then continues exactly', async () => {
    const config = resolveOptimizerConfig({ name: 'adam' });
    const [a, b] = [weights('ra'), weights('rb')];
    const first = new KerasOptimizer(config);
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

  it('hands out copies of its slots: a checkpoint taken before a step keeps the values it had', async () => {
    const ws = weights('copy');
    const optimizer = new KerasOptimizer(resolveOptimizerConfig({ name: 'adam' }));
    step(optimizer, ws, 0);
    const saved = await optimizer.getWeights();
    const taken = saved.map((s) => Array.from(s.tensor.dataSync()));
    step(optimizer, ws, 1);
    expect(saved.map((s) => Array.from(s.tensor.dataSync()))).toEqual(taken);
    tf.dispose(saved.map((s) => s.tensor));
    optimizer.dispose();
    tf.dispose(ws);
  });

  it('a step allocates nothing that outlives it beyond the first step’s slots', () => {
    const ws = weights('alloc');
    const optimizer = new KerasOptimizer(resolveOptimizerConfig({ name: 'adam' }));
    step(optimizer, ws, 0);
    const settled = tf.memory().numTensors;
    step(optimizer, ws, 1);
    step(optimizer, ws, 2);
    expect(tf.memory().numTensors).toBe(settled);
    optimizer.dispose();
    tf.dispose(ws);
  });
});
