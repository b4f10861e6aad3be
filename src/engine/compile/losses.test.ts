import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { KerasLossName, LossConfig } from '../../experiment/spec';
import { perSampleLoss, reduceLoss, resolveLoss } from './losses';
import { useCpuWithoutLeaks, value, values } from './test-utils';

useCpuWithoutLeaks();

const t = (v: number[][]) => tf.tensor2d(v);
/** The batch loss as the step objective reduces it (objective.ts through multi-output.ts). */
const lossFn = (config: LossConfig | KerasLossName) => (y: tf.Tensor, p: tf.Tensor) =>
  tf.tidy(() => reduceLoss(perSampleLoss(resolveLoss(config))(y, p)));
const batch = (name: Parameters<typeof lossFn>[0], y: number[][], p: number[][]) =>
  value(() => lossFn(name)(t(y), t(p)));

describe('losses: Keras formulas, ε-clipping and sum_over_batch_size', () => {
  it('binary cross-entropy from probabilities and from logits', () => {
    expect(batch('binary_crossentropy', [[1], [0]], [[0.9], [0.2]])).toBeCloseTo(
      (-Math.log(0.9) - Math.log(0.8)) / 2,
      6,
    );
    const logits = { name: 'binary_crossentropy' as const, from_logits: true };
    expect(batch(logits, [[1], [0]], [[2], [-1]])).toBeCloseTo(
      (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1))) / 2,
      6,
    );
    // A confident wrong answer is clipped at 1 − ε (in float32, 1 − 1.19e-7), as Keras's TF backend does.
    expect(batch('binary_crossentropy', [[0]], [[1]])).toBeCloseTo(-Math.log(1.1920929e-7), 3);
    // Large logits stay finite (the stable form), where sigmoid → 1 → clipping would cap the loss.
    expect(batch(logits, [[0]], [[100]])).toBeCloseTo(100, 4);
  });

  it('categorical cross-entropy rescales rows to sum to 1, and from logits uses log-softmax', () => {
    expect(batch('categorical_crossentropy', [[1, 0, 0]], [[2, 1, 1]])).toBeCloseTo(Math.log(2), 6);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(
      batch({ name: 'categorical_crossentropy', from_logits: true }, [[0, 0, 1]], [[1, 2, 3]]),
    ).toBeCloseTo(lse - 3, 5);
  });

  it('sparse categorical cross-entropy takes class indices, flat or with a trailing 1', () => {
    const p = tf.tensor2d([
      [0.7, 0.2, 0.1],
      [0.6, 0.3, 0.1],
    ]);
    const expected = (-Math.log(0.7) - Math.log(0.3)) / 2;
    const sparse = lossFn('sparse_categorical_crossentropy');
    expect(value(() => sparse(tf.tensor1d([0, 1]), p))).toBeCloseTo(expected, 6);
    expect(value(() => sparse(tf.tensor2d([[0], [1]]), p))).toBeCloseTo(expected, 6);
    p.dispose();
  });

  it('MSE, MAE, Huber (delta) and hinge (0/1 labels become −1/1)', () => {
    expect(batch('mean_squared_error', [[0, 1]], [[0.5, 0.5]])).toBeCloseTo(0.25, 6);
    expect(batch('mean_absolute_error', [[0, 1]], [[0.5, 0.5]])).toBeCloseTo(0.5, 6);
    expect(batch('huber', [[0, 0]], [[0.5, 2]])).toBeCloseTo((0.125 + 1.5) / 2, 6);
    expect(batch({ name: 'huber', delta: 2 }, [[0, 0]], [[0.5, 2]])).toBeCloseTo((0.125 + 2) / 2, 6);
    expect(batch('hinge', [[0], [1]], [[0.3], [0.4]])).toBeCloseTo((1.3 + 0.6) / 2, 6);
    expect(batch('hinge', [[-1], [1]], [[0.3], [0.4]])).toBeCloseTo((1.3 + 0.6) / 2, 6);
  });

  it('per-sample values are the mean over the last axis; the reduction divides by the count, not Σweights', () => {
    const per = perSampleLoss(resolveLoss('mean_squared_error'));
    expect(
      values(() =>
        per(
          t([
            [0, 0],
            [1, 1],
          ]),
          t([
            [1, 3],
            [1, 1],
          ]),
        ),
      ),
    ).toEqual([5, 0]);
    expect(value(() => reduceLoss(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 0, 2])))).toBeCloseTo(7 / 3, 6);
    // A sequence output's per-step values: one weight per sample broadcasts over the steps.
    expect(
      value(() =>
        reduceLoss(
          tf.tensor2d([
            [1, 1],
            [2, 2],
          ]),
          tf.tensor1d([2, 0]),
        ),
      ),
    ).toBeCloseTo(1, 6);
  });

  it("the original spec loss names give the same numbers as tfjs's own metrics", () => {
    const y = [
      [1, 0, 0],
      [0, 1, 0],
    ];
    const p = [
      [0.7, 0.2, 0.1],
      [0.6, 0.3, 0.1],
    ];
    for (const name of ['categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error'] as const) {
      const legacy = {
        categorical_crossentropy: tf.metrics.categoricalCrossentropy,
        binary_crossentropy: tf.metrics.binaryCrossentropy,
        mean_squared_error: tf.metrics.meanSquaredError,
      }[name];
      const before = value(() => tf.mean(legacy(t(y), t(p))));
      expect(value(() => lossFn(name)(t(y), t(p)))).toBeCloseTo(before, 6);
    }
  });
});
