import * as tf from '@tensorflow/tfjs';
import type { MetricConfig } from '../../experiment/spec';

/**
 * Keras's metrics as *streaming* sums, so an epoch's value is exact over all its samples and stays on the
 * device until the one readback at the epoch's end (each readback stalls the WebGPU queue):
 * - mean metrics (accuracies, MAE) accumulate [Σ value, count], like Keras's MeanMetricWrapper;
 * - precision accumulates [TP, FP] and recall [TP, FN] (Keras's confusion-matrix variables), so the epoch's
 *   figure is TP / (TP + FP) over the whole epoch, not a mean of batch ratios; 0 when nothing was predicted
 *   positive (Keras's divide_no_nan).
 *
 * Integration (per output):
 *   const set = metricSet(configs, { loss, outputUnits });         // once, before training
 *   accumulator = zeros([set.size])                                // a variable, reset each epoch
 *   inside the step: accumulator.assign(add(accumulator, set.batchSums(yb, pred)))
 *   at the epoch's end, after the readback: set.results(values)   → { accuracy: 0.93, precision: 0.88 }
 */
export interface StreamingMetric {
  /** The key in the epoch logs (Keras names a string metric by the string; `val_` is the caller's prefix). */
  name: string;
  /** Keras's `_direction`: whether callbacks in `auto` mode should maximise or minimise it. */
  direction: 'up' | 'down';
  /** How many sums it accumulates. */
  size: number;
  /** This batch's sums, on the device. */
  batchSums(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D;
  /** The value from the epoch's accumulated sums. */
  result(sums: ArrayLike<number>): number;
}

export interface MetricContext {
  /** The output's loss name: Keras resolves `accuracy` by it and by the shapes. */
  loss: string;
  /** Units of the output's last axis. */
  outputUnits: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function mean(
  name: string,
  direction: 'up' | 'down',
  values: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor,
): StreamingMetric {
  return {
    name,
    direction,
    size: 2,
    batchSums: (y, p) =>
      tf.tidy(() => {
        const v = tf.cast(values(y, p), 'float32');
        return tf.stack([tf.sum(v), tf.scalar(v.size)]) as tf.Tensor1D;
      }),
    result: (s) => ratio(s[0], s[1]),
  };
}

/** Per element: (p > threshold) == (y > threshold)… Keras compares the thresholded prediction with y itself. */
const binaryAccuracy = (threshold: number) => (y: tf.Tensor, p: tf.Tensor) =>
  tf.equal(tf.cast(tf.greater(p, threshold), y.dtype), y);

const categoricalAccuracy = (y: tf.Tensor, p: tf.Tensor) => tf.equal(tf.argMax(y, -1), tf.argMax(p, -1));

const sparseCategoricalAccuracy = (y: tf.Tensor, p: tf.Tensor) =>
  tf.equal(tf.cast(tf.reshape(y, p.shape.slice(0, -1)), 'int32'), tf.argMax(p, -1));

/**
 * TensorFlow's `in_top_k`: the true class is in the top k when fewer than k classes score strictly higher,
 * so ties at the boundary count as in.
 */
const topK = (k: number, sparse: boolean) => (y: tf.Tensor, p: tf.Tensor) => {
  const target = sparse ? tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), p.shape[p.rank - 1]) : y;
  const trueScore = tf.max(tf.where(tf.greater(target, 0.5), p, tf.fill(p.shape, -Infinity)), -1, true);
  const higher = tf.sum(tf.cast(tf.greater(p, trueScore), 'int32'), -1);
  return tf.less(higher, k);
};

/** [Σ a, Σ b] over the batch's elements, where a and b are 0/1 masks; a prediction counts when > threshold. */
function confusion(name: string, threshold: number, kind: 'precision' | 'recall'): StreamingMetric {
  return {
    name,
    direction: 'up',
    size: 2,
    batchSums: (y, p) =>
      tf.tidy(() => {
        const predicted = tf.cast(tf.greater(p, threshold), 'float32');
        // Keras casts the label to bool: any non-zero label is positive, whatever the threshold.
        const actual = tf.cast(tf.notEqual(y, 0), 'float32');
        const tp = tf.sum(tf.mul(predicted, actual));
        const other =
          kind === 'precision'
            ? tf.sum(tf.mul(predicted, tf.sub(1, actual))) // false positives
            : tf.sum(tf.mul(tf.sub(1, predicted), actual)); // false negatives
        return tf.stack([tp, other]) as tf.Tensor1D;
      }),
    result: (s) => ratio(s[0], s[0] + s[1]),
  };
}

/**
 * One metric from its config. `accuracy` resolves as Keras 3's `get_metric` does, by shapes alone: binary
 * accuracy for a one-unit output, sparse categorical when the labels are class indices (Kiln's sparse loss),
 * categorical otherwise — so a multi-label sigmoid output with binary cross-entropy gets *categorical*
 * accuracy, as in Keras 3 (Keras 2 picks binary accuracy there).
 */
export function makeMetric(config: MetricConfig, context: MetricContext): StreamingMetric {
  const threshold = config.threshold ?? 0.5;
  const sparse = context.loss === 'sparse_categorical_crossentropy';
  switch (config.name) {
    case 'accuracy':
      if (context.outputUnits === 1) return mean('accuracy', 'up', binaryAccuracy(0.5));
      return mean('accuracy', 'up', sparse ? sparseCategoricalAccuracy : categoricalAccuracy);
    case 'binary_accuracy':
      return mean('binary_accuracy', 'up', binaryAccuracy(threshold));
    case 'categorical_accuracy':
      return mean('categorical_accuracy', 'up', categoricalAccuracy);
    case 'sparse_categorical_accuracy':
      return mean('sparse_categorical_accuracy', 'up', sparseCategoricalAccuracy);
    case 'top_k_categorical_accuracy':
      return mean('top_k_categorical_accuracy', 'up', topK(config.k ?? 5, sparse));
    case 'precision':
      return confusion('precision', threshold, 'precision');
    case 'recall':
      return confusion('recall', threshold, 'recall');
    case 'mean_absolute_error':
    case 'mae':
      return mean(config.name, 'down', (y, p) => tf.mean(tf.abs(tf.sub(p, y)), -1));
  }
}

export interface MetricSet {
  metrics: StreamingMetric[];
  size: number;
  /** Every metric's batch sums, concatenated in order: add it to the epoch's accumulator. */
  batchSums(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D;
  /** Name → value from the accumulated sums (the `prefix` is how Keras names a second output's metrics). */
  results(sums: ArrayLike<number>, prefix?: string): Record<string, number>;
}

export function metricSet(configs: MetricConfig[], context: MetricContext): MetricSet {
  const metrics = configs.map((c) => makeMetric(c, context));
  const size = metrics.reduce((n, m) => n + m.size, 0);
  return {
    metrics,
    size,
    batchSums: (y, p) =>
      tf.tidy(() =>
        metrics.length === 0 ? tf.zeros([0]) : tf.concat(metrics.map((m) => m.batchSums(y, p))),
      ) as tf.Tensor1D,
    results(sums, prefix = '') {
      const out: Record<string, number> = {};
      let offset = 0;
      for (const m of metrics) {
        out[prefix + m.name] = m.result(Array.from(sums).slice(offset, offset + m.size));
        offset += m.size;
      }
      return out;
    },
  };
}
