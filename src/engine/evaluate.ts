import * as tf from '@tensorflow/tfjs';
import type { StepObjective } from './objective';

/** A dataset part on the device, with the targets the session's objective needs (see objective.ts). */
export interface DeviceData {
  /** Samples, shaped for the model's first input. */
  x: tf.Tensor;
  /** One-hot targets, [count, classes]; null when no output trains on them. */
  y: tf.Tensor | null;
  /** Class indices, int32 [count], for outputs with a sparse loss; derived once at upload. */
  labels: tf.Tensor | null;
  /** Per-sample weights from `fit.classWeight` (training data only), [count]. */
  sampleWeight: tf.Tensor | null;
  count: number;
}

/** Every tensor a DeviceData holds, to dispose or to check against the device's limits. */
export function deviceTensors(data: DeviceData | null): tf.Tensor[] {
  if (!data) return [];
  return [data.x, data.y, data.labels, data.sampleWeight].filter((t): t is tf.Tensor => t !== null);
}

/**
 * The objective's sums (loss, per-output losses, metrics) over `data`, left on the device so the caller can
 * read them back together with anything else in one transfer. Batched like Keras's `evaluate`, so validation
 * never needs more activation memory than a training step.
 */
export function evaluateSums(
  model: tf.LayersModel,
  data: DeviceData,
  batchSize: number,
  objective: StepObjective,
): tf.Tensor1D {
  let sums: tf.Tensor1D = tf.zeros([objective.size]);
  for (let start = 0; start < data.count; start += batchSize) {
    const size = Math.min(batchSize, data.count - start);
    const next = tf.tidy(() => {
      const batch = objective.batch(data, size, (t) => tf.slice(t, start, size));
      return tf.add(sums, objective.evaluate(model, batch, false).sums) as tf.Tensor1D;
    });
    sums.dispose();
    sums = next;
  }
  return sums;
}
