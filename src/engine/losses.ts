import * as tf from '@tensorflow/tfjs';
import type { KerasLossName, LossConfig, LossName } from '../experiment/spec';
import { lossFn } from './compile/losses';

/** Per-batch mean loss from targets and the model's output (probabilities, as Keras losses expect by default). */
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
/** Fraction of correct predictions in a batch, as a scalar on the device. */
export type AccuracyFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/**
 * The batch loss for a Keras loss name or config (`{ name, from_logits, delta }`), with Keras's exact formula,
 * ε-clipping and `sum_over_batch_size` reduction — see compile/losses.ts. The original spec names
 * (`compile.loss`) are Keras names too, so both spec fields go through here.
 */
export function lossFunction(loss: LossName | KerasLossName | LossConfig): LossFn {
  return lossFn(loss);
}

/**
 * Keras resolves `metrics=['accuracy']` by the loss and the output width: binary accuracy (threshold 0.5,
 * per element) for binary cross-entropy or a single output unit, categorical accuracy (argmax) otherwise.
 */
export function accuracyFunction(loss: LossName, outputUnits: number): AccuracyFn {
  if (loss === 'binary_crossentropy' || outputUnits === 1) {
    return (yTrue, yPred) => tf.mean(tf.equal(tf.greater(yPred, 0.5), tf.greater(yTrue, 0.5))) as tf.Scalar;
  }
  return (yTrue, yPred) => tf.mean(tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1))) as tf.Scalar;
}

/**
 * Adds the layers' regularisation penalties (kernel_regularizer etc.) to a batch loss. Keras includes them in
 * both `loss` and `val_loss`, so both paths call this.
 */
export function withRegularization(model: tf.LayersModel, loss: tf.Scalar): tf.Scalar {
  const penalties = model.calculateLosses();
  return penalties.length === 0 ? loss : (tf.addN([loss, ...penalties]) as tf.Scalar);
}
