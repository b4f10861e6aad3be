import * as tf from '@tensorflow/tfjs';
import { reduceLoss } from './losses';

/**
 * Keras's `fit(class_weight=…)`: each sample is weighted by its class's weight (a class not listed weighs 1),
 * the class being argmax of a one-hot target, the index itself for sparse targets, and round(y) for a single
 * sigmoid unit (keras/src/trainers/data_adapters/data_adapter_utils.py, class_weight_to_sample_weights).
 * The weights then scale the per-sample loss under sum_over_batch_size, so the batch loss is
 * Σ lossᵢ·wᵢ / batch — *not* divided by Σ wᵢ. Keras applies class weights to the loss only (and to
 * `weighted_metrics`), never to plain `metrics`.
 *
 * Integration: `const table = classWeightTable(spec.fit.classWeight, classes)` once; in the step,
 * `sampleWeightsFor(yb, table)` and pass it to `reduceLoss` / `combineOutputLosses`, or use `weightedLoss`.
 */

/** The dense weight per class index, from Keras's `{class: weight}` dict (JSON keys are strings). */
export function classWeightTable(classWeight: Record<string, number>, classes: number): Float32Array {
  const table = new Float32Array(classes).fill(1);
  for (const [key, weight] of Object.entries(classWeight)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= classes) {
      throw new Error(`class_weight names class ${key}, but the targets have classes 0–${classes - 1}.`);
    }
    table[index] = weight;
  }
  return table;
}

/** One weight per sample: the table at each sample's class. */
export function sampleWeightsFor(yTrue: tf.Tensor, table: Float32Array | tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const weights = table instanceof Float32Array ? tf.tensor1d(table) : table;
    const last = yTrue.shape[yTrue.rank - 1];
    const classIndex =
      yTrue.rank > 1 && last !== 1
        ? tf.argMax(yTrue, -1)
        : tf.cast(tf.round(tf.reshape(yTrue, [yTrue.shape[0]])), 'int32');
    return tf.gather(weights, tf.reshape(classIndex, [-1])) as tf.Tensor1D;
  });
}

/** A per-sample loss reduced with class weights as Keras does: Σ loss·w / batch. */
export function weightedLoss(
  perSample: tf.Tensor,
  yTrue: tf.Tensor,
  table: Float32Array | tf.Tensor1D,
): tf.Scalar {
  return tf.tidy(() => reduceLoss(perSample, sampleWeightsFor(yTrue, table)));
}
