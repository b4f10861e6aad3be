import * as tf from '@tensorflow/tfjs';
import { withRegularization, type AccuracyFn, type LossFn } from './losses';

export interface DeviceData {
  x: tf.Tensor;
  y: tf.Tensor;
  count: number;
}

/**
 * Sample-weighted sums of loss and accuracy over `data`, left on the device as a `[lossSum, accSum]` tensor
 * so the caller can read them back together with anything else in one transfer. Batched like Keras's
 * `evaluate`, so validation never needs more activation memory than a training step.
 */
export function evaluateSums(
  model: tf.LayersModel,
  data: DeviceData,
  batchSize: number,
  loss: LossFn,
  accuracy: AccuracyFn,
): tf.Tensor1D {
  let sums: tf.Tensor1D = tf.zeros([2]);
  for (let start = 0; start < data.count; start += batchSize) {
    const size = Math.min(batchSize, data.count - start);
    const next = tf.tidy(() => {
      const xb = tf.slice(data.x, start, size);
      const yb = tf.slice(data.y, start, size);
      const pred = model.apply(xb, { training: false }) as tf.Tensor;
      return tf.add(
        sums,
        tf.mul(tf.stack([withRegularization(model, loss(yb, pred)), accuracy(yb, pred)]), size),
      ) as tf.Tensor1D;
    });
    sums.dispose();
    sums = next;
  }
  return sums;
}
