import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { classWeightTable, sampleWeightsFor, weightedLoss } from './class-weights';
import { combineOutputLosses, planOutputLosses } from './multi-output';
import { penalty, regularizerFactors, regularizerFor } from './regularizers';
import { useCpuWithoutLeaks, value, values } from './test-utils';

useCpuWithoutLeaks();

describe('class weights (fit class_weight)', () => {
  it('weights each sample by its class, unlisted classes by 1, and divides by the batch, not Σw', () => {
    const table = classWeightTable({ '1': 3 }, 2);
    expect(Array.from(table)).toEqual([1, 3]);
    const oneHot = () =>
      tf.tensor2d([
        [1, 0],
        [0, 1],
        [0, 1],
      ]);
    expect(values(() => sampleWeightsFor(oneHot(), table))).toEqual([1, 3, 3]);
    expect(value(() => weightedLoss(tf.tensor1d([1, 2, 3]), oneHot(), table))).toBeCloseTo(16 / 3, 6);
  });

  it('reads a single sigmoid unit by rounding, and sparse labels as indices', () => {
    const table = classWeightTable({ '0': 0.5 }, 2);
    expect(values(() => sampleWeightsFor(tf.tensor2d([[0], [1], [0.9]]), table))).toEqual([0.5, 1, 1]);
    expect(values(() => sampleWeightsFor(tf.tensor1d([1, 0]), table))).toEqual([1, 0.5]);
  });

  it('refuses a class the targets do not have', () => {
    expect(() => classWeightTable({ '5': 2 }, 3)).toThrow(/classes 0–2/);
  });
});

describe('multi-output losses and loss_weights (Keras CompileLoss)', () => {
  const y = () => ({
    a: tf.tensor2d([[0], [0]]),
    b: tf.tensor2d([
      [1, 0],
      [0, 1],
    ]),
  });
  const p = () => ({
    a: tf.tensor2d([[1], [3]]),
    b: tf.tensor2d([
      [0.5, 0.5],
      [0.5, 0.5],
    ]),
  });

  it('sums weighted per-output losses and reports the unweighted ones as <output>_loss', () => {
    const plan = planOutputLosses(
      ['a', 'b'],
      { name: 'mean_squared_error' },
      { a: { name: 'mean_squared_error' }, b: { name: 'categorical_crossentropy' } },
      { b: 0.5 },
    );
    expect(plan.map((o) => [o.logKey, o.weight])).toEqual([
      ['a_loss', 1],
      ['b_loss', 0.5],
    ]);
    const [total, la, lb] = values(() => {
      const { total, parts } = combineOutputLosses(plan, y(), p());
      return tf.stack([total, ...parts]);
    });
    expect(la).toBeCloseTo(5, 6); // (1 + 9) / 2
    expect(lb).toBeCloseTo(Math.log(2), 6);
    expect(total).toBeCloseTo(5 + 0.5 * Math.log(2), 5);
  });

  it('one loss applies to every output; None leaves an output untrained; the dict must name every output', () => {
    expect(planOutputLosses(['a', 'b'], { name: 'mean_squared_error' }).map((o) => o.output)).toEqual([
      'a',
      'b',
    ]);
    const partial = planOutputLosses(
      ['a', 'b'],
      { name: 'mean_squared_error' },
      { a: null, b: { name: 'hinge' } },
    );
    expect(partial.map((o) => [o.output, o.logKey])).toEqual([['b', null]]);
    expect(() => planOutputLosses(['a', 'b'], { name: 'hinge' }, { a: { name: 'hinge' } })).toThrow(
      /Expected keys/,
    );
    expect(() => planOutputLosses(['a'], { name: 'hinge' }, undefined, { c: 1 })).toThrow(
      /not a model output/,
    );
    const single = planOutputLosses(['a'], { name: 'mean_squared_error' });
    expect(values(() => combineOutputLosses(single, y(), p()).total)).toEqual([5]);
  });

  it('applies sample weights to every output', () => {
    const plan = planOutputLosses(['a'], { name: 'mean_squared_error' });
    expect(value(() => combineOutputLosses(plan, y(), p(), tf.tensor1d([0, 1])).total)).toBeCloseTo(4.5, 6);
  });
});

describe('L1/L2 regularizers per layer', () => {
  it('accepts Keras strings, a flat [l1, l2] pair and { l1, l2 }', () => {
    expect(regularizerFactors(null)).toBeNull();
    expect(regularizerFactors('l2')).toEqual({ l1: 0, l2: 0.01 });
    expect(regularizerFactors('l1')).toEqual({ l1: 0.01, l2: 0 });
    expect(regularizerFactors([0.1, 0.2])).toEqual({ l1: 0.1, l2: 0.2 });
    expect(regularizerFactors({ l2: 0.3 })).toEqual({ l1: 0, l2: 0.3 });
    expect(regularizerFactors([0, 0])).toBeNull();
    expect(() => regularizerFactors([-1, 0])).toThrow(/non-negative/);
    expect(() => regularizerFactors(7)).toThrow(/Unknown regularizer/);
  });

  it('gives a tfjs layer the penalty l1·Σ|w| + l2·Σw², which the model reports as a loss', () => {
    const input = tf.input({ shape: [3] });
    const dense = tf.layers.dense({ units: 2, kernelRegularizer: regularizerFor([0.01, 0.02]) });
    const model = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
    const kernel = dense.getWeights()[0];
    const w = Array.from(kernel.dataSync());
    const expected = 0.01 * w.reduce((s, v) => s + Math.abs(v), 0) + 0.02 * w.reduce((s, v) => s + v * v, 0);
    expect(value(() => model.calculateLosses()[0])).toBeCloseTo(expected, 6);
    expect(value(() => penalty(kernel, [0.01, 0.02]))).toBeCloseTo(expected, 6);
    model.dispose();
  });
});
