import * as tf from '@tensorflow/tfjs';
import type { KerasLossName, LossConfig } from '../../experiment/spec';

/**
 * Keras 3's losses (keras/src/losses/losses.py and the backend's nn ops) as tfjs ops:
 * each gives one value per sample (the mean or sum over the last axis, as Keras does), and `reduceLoss`
 * applies Keras's default reduction, `sum_over_batch_size`: Σ(loss · sample_weight) / number of values —
 * note it divides by the count, not by the sum of the weights, so class weights change the scale.
 *
 * The step objective (../objective.ts) applies them per output through multi-output.ts `combineOutputLosses`:
 * `perSampleLoss(resolveLoss(config))`, then `reduceLoss(values, sampleWeight)`. Probabilities are clipped to [ε, 1 − ε] with Keras's ε = 1e-7 before any log.
 */
export const EPSILON = 1e-7;

export type ResolvedLoss = Required<LossConfig>;
export type PerSampleLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

export function resolveLoss(config: LossConfig | KerasLossName): ResolvedLoss {
  const c = typeof config === 'string' ? { name: config } : config;
  return { name: c.name, from_logits: c.from_logits ?? false, delta: c.delta ?? 1 };
}

export function perSampleLoss(config: ResolvedLoss): PerSampleLoss {
  const { from_logits: logits, delta } = config;
  switch (config.name) {
    case 'binary_crossentropy':
      return (y, p) => tf.mean(logits ? sigmoidCrossEntropyWithLogits(y, p) : binaryCrossEntropy(y, p), -1);
    case 'categorical_crossentropy':
      return (y, p) => categoricalCrossEntropy(y, p, logits);
    case 'sparse_categorical_crossentropy':
      return (y, p) => categoricalCrossEntropy(sparseToOneHot(y, p), p, logits);
    case 'mean_squared_error':
      return (y, p) => tf.mean(tf.squaredDifference(p, y), -1);
    case 'mean_absolute_error':
      return (y, p) => tf.mean(tf.abs(tf.sub(p, y)), -1);
    case 'huber':
      return (y, p) => tf.mean(huber(y, p, delta), -1);
    case 'hinge':
      return (y, p) => tf.mean(tf.relu(tf.sub(1, tf.mul(hingeLabels(y), p))), -1);
  }
}

/**
 * Keras's `sum_over_batch_size`: the weighted sum over every value divided by how many values there are.
 * `sampleWeight` has one entry per sample and broadcasts over any further axes (a sequence output's steps).
 */
export function reduceLoss(values: tf.Tensor, sampleWeight?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (!sampleWeight) return tf.mean(values);
    const w = sampleWeight.reshape([values.shape[0] ?? -1, ...values.shape.slice(1).map(() => 1)]);
    return tf.div(tf.sum(tf.mul(values, w)), values.size);
  });
}

/** −[y·log p + (1 − y)·log(1 − p)] with p clipped to [ε, 1 − ε], per element. */
function binaryCrossEntropy(y: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const q = tf.clipByValue(p, EPSILON, 1 - EPSILON);
  return tf.neg(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q)))));
}

/** TensorFlow's stable form: max(x, 0) − x·y + log(1 + e^(−|x|)); no clipping, so no ε in the result. */
function sigmoidCrossEntropyWithLogits(y: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
}

/**
 * From probabilities Keras first rescales each row to sum to 1, then clips to [ε, 1 − ε]; from logits it is
 * −Σ y·log_softmax(x), which never overflows.
 */
function categoricalCrossEntropy(y: tf.Tensor, p: tf.Tensor, fromLogits: boolean): tf.Tensor {
  if (fromLogits) return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(p, -1)), -1));
  const normalised = tf.div(p, tf.sum(p, -1, true));
  const q = tf.clipByValue(normalised, EPSILON, 1 - EPSILON);
  return tf.neg(tf.sum(tf.mul(y, tf.log(q)), -1));
}

/**
 * Sparse labels are class indices shaped like the prediction without its class axis, or with a trailing 1
 * (Keras accepts both); they become one-hot rows over the prediction's classes.
 */
function sparseToOneHot(labels: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const classes = p.shape[p.rank - 1];
  const batchShape = p.shape.slice(0, -1);
  const indices = tf.cast(tf.reshape(labels, batchShape), 'int32');
  return tf.cast(tf.oneHot(indices.flatten(), classes).reshape(p.shape), p.dtype);
}

/** Quadratic within ±delta, linear outside: ½e² if |e| ≤ δ, else δ·|e| − ½δ². */
function huber(y: tf.Tensor, p: tf.Tensor, delta: number): tf.Tensor {
  const error = tf.abs(tf.sub(p, y));
  const quadratic = tf.mul(0.5, tf.square(error));
  const linear = tf.sub(tf.mul(delta, error), 0.5 * delta * delta);
  return tf.where(tf.lessEqual(error, delta), quadratic, linear);
}

/**
 * Keras's hinge takes labels in {−1, 1}; when every label in the batch is 0 or 1 it maps them to 2y − 1 first
 * (`convert_binary_labels_to_hinge`), so one-hot and 0/1 targets work too.
 */
function hingeLabels(y: tf.Tensor): tf.Tensor {
  const binary = tf.all(tf.logicalOr(tf.equal(y, 0), tf.equal(y, 1)));
  return tf.where(binary, tf.sub(tf.mul(y, 2), 1), y);
}
