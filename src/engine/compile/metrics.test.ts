import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { MetricConfig } from '../../experiment/spec';
import { makeMetric, metricSet, type MetricContext } from './metrics';
import { useCpuWithoutLeaks, values } from './test-utils';

useCpuWithoutLeaks();

const categorical: MetricContext = { loss: 'categorical_crossentropy', outputUnits: 3 };

/** Streams batches through a metric as the loop will: sums on the device, one result at the end. */
function stream(config: MetricConfig, context: MetricContext, batches: [number[][], number[][]][]): number {
  const metric = makeMetric(config, context);
  const total = new Array(metric.size).fill(0);
  for (const [y, p] of batches) {
    values(() => metric.batchSums(tf.tensor2d(y), tf.tensor2d(p))).forEach((v, i) => (total[i] += v));
  }
  return metric.result(total);
}

describe('metrics: Keras semantics, exact over an epoch', () => {
  it('accuracy resolves by shape as Keras 3 does', () => {
    const y = [
      [1, 0, 0],
      [0, 1, 0],
    ];
    const p = [
      [0.7, 0.2, 0.1],
      [0.6, 0.3, 0.1],
    ];
    expect(stream({ name: 'accuracy' }, categorical, [[y, p]])).toBe(0.5);
    const binary = { loss: 'binary_crossentropy', outputUnits: 1 };
    expect(
      stream({ name: 'accuracy' }, binary, [
        [
          [[1], [0], [1]],
          [[0.6], [0.2], [0.3]],
        ],
      ]),
    ).toBeCloseTo(2 / 3, 6);
    const sparse = makeMetric(
      { name: 'accuracy' },
      { loss: 'sparse_categorical_crossentropy', outputUnits: 3 },
    );
    expect(values(() => sparse.batchSums(tf.tensor1d([0, 0]), tf.tensor2d(p)))).toEqual([2, 2]);
  });

  it('binary accuracy honours the threshold', () => {
    const batch: [number[][], number[][]] = [
      [[1], [0], [1]],
      [[0.6], [0.2], [0.3]],
    ];
    const ctx = { loss: 'binary_crossentropy', outputUnits: 1 };
    expect(stream({ name: 'binary_accuracy' }, ctx, [batch])).toBeCloseTo(2 / 3, 6);
    expect(stream({ name: 'binary_accuracy', threshold: 0.25 }, ctx, [batch])).toBe(1);
  });

  it('top-k categorical accuracy counts ties at the boundary as in (TF in_top_k)', () => {
    const y = [[0, 0, 1]];
    expect(stream({ name: 'top_k_categorical_accuracy', k: 1 }, categorical, [[y, [[0.1, 0.5, 0.4]]]])).toBe(
      0,
    );
    expect(stream({ name: 'top_k_categorical_accuracy', k: 2 }, categorical, [[y, [[0.1, 0.5, 0.4]]]])).toBe(
      1,
    );
    expect(stream({ name: 'top_k_categorical_accuracy', k: 1 }, categorical, [[y, [[0.4, 0.2, 0.4]]]])).toBe(
      1,
    );
    // Keras's default k is 5: with 3 classes everything is in.
    expect(stream({ name: 'top_k_categorical_accuracy' }, categorical, [[y, [[0.5, 0.4, 0.1]]]])).toBe(1);
  });

  it('precision and recall come from summed TP/FP/FN, not from a mean of batch ratios', () => {
    const ctx = { loss: 'binary_crossentropy', outputUnits: 1 };
    const batches: [number[][], number[][]][] = [
      [
        [[1], [0], [1], [0]],
        [[0.9], [0.8], [0.2], [0.1]],
      ], // TP 1, FP 1, FN 1
      [
        [[1], [1], [0]],
        [[0.7], [0.6], [0.9]],
      ], // TP 2, FP 1
    ];
    expect(stream({ name: 'precision' }, ctx, batches)).toBeCloseTo(3 / 5, 6); // batch mean would be 0.583
    expect(stream({ name: 'recall' }, ctx, batches)).toBeCloseTo(3 / 4, 6);
    expect(stream({ name: 'precision' }, ctx, [[[[1]], [[0.1]]]])).toBe(0); // nothing predicted: 0, not NaN
  });

  it('precision and recall take any non-zero label as positive, as Keras casts y_true to bool', () => {
    const ctx = { loss: 'binary_crossentropy', outputUnits: 1 };
    // Smoothed labels 0.1/0.9 with threshold 0.95: every label is positive, only the 0.97 prediction counts.
    const batch: [number[][], number[][]][] = [
      [
        [[0.9], [0.1], [0]],
        [[0.97], [0.5], [0.99]],
      ],
    ];
    // TP: row 1; FN: row 2 (label 0.1 is positive, 0.5 ≤ threshold); FP: row 3 (label 0).
    expect(stream({ name: 'recall', threshold: 0.95 }, ctx, batch)).toBeCloseTo(1 / 2, 6);
    expect(stream({ name: 'precision', threshold: 0.95 }, ctx, batch)).toBeCloseTo(1 / 2, 6);
  });

  it('MAE is the mean absolute error over samples', () => {
    const ctx = { loss: 'mean_squared_error', outputUnits: 2 };
    const batches: [number[][], number[][]][] = [
      [[[0, 1]], [[0.5, 0.5]]],
      [
        [
          [0, 0],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 3],
        ],
      ],
    ];
    expect(stream({ name: 'mae' }, ctx, batches)).toBeCloseTo((0.5 + 0 + 1) / 3, 6);
  });

  it('a metric set concatenates sums and names results, with a prefix for other outputs', () => {
    const set = metricSet([{ name: 'accuracy' }, { name: 'precision' }, { name: 'mae' }], categorical);
    expect(set.size).toBe(6);
    const sums = values(() => set.batchSums(tf.tensor2d([[1, 0, 0]]), tf.tensor2d([[0.8, 0.1, 0.1]])));
    expect(sums).toHaveLength(6);
    const results = set.results(sums, 'digits_');
    expect(Object.keys(results)).toEqual(['digits_accuracy', 'digits_precision', 'digits_mae']);
    expect(results.digits_accuracy).toBe(1);
    expect(results.digits_precision).toBe(1);
    expect(results.digits_mae).toBeCloseTo(0.4 / 3, 6);
    expect(set.metrics.map((m) => m.direction)).toEqual(['up', 'up', 'down']);
  });
});
