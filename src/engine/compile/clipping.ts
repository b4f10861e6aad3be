import * as tf from '@tensorflow/tfjs';

/**
 * Gradient clipping with Keras's optimizer arguments and semantics (keras/src/optimizers/base_optimizer.py):
 * - `clipnorm`: each gradient is rescaled on its own so that its L2 norm is at most `clipnorm`:
 *   g · clipnorm / max(‖g‖, clipnorm);
 * - `global_clipnorm`: all gradients are rescaled together so that their joint norm is at most the value;
 * - `clipvalue`: every element is clipped to [−clipvalue, clipvalue].
 * Keras refuses to set more than one of them, and so does `clippingProblem`.
 *
 * Integration: `KerasOptimizer` applies this inside `applyGradients` (as Keras does, before the update), so a
 * loop that calls `optimizer.minimize(...)` gets clipping without any change. Call it directly only when
 * computing gradients by hand.
 */
export interface ClipOptions {
  clipnorm?: number;
  clipvalue?: number;
  global_clipnorm?: number;
}

/** Keras's constructor check, as a message (null when the options are valid). */
export function clippingProblem(options: ClipOptions): string | null {
  const set = (['clipnorm', 'clipvalue', 'global_clipnorm'] as const).filter((k) => options[k] !== undefined);
  if (set.length > 1) {
    return `Only one of clipnorm, clipvalue and global_clipnorm can be set (got ${set.join(', ')}).`;
  }
  for (const key of set) {
    if (!(options[key]! > 0)) return `${key} must be a positive number, got ${options[key]}.`;
  }
  return null;
}

export function hasClipping(options: ClipOptions): boolean {
  return (
    options.clipnorm !== undefined || options.clipvalue !== undefined || options.global_clipnorm !== undefined
  );
}

/**
 * The clipped gradients, in the same order. New tensors, except that unclipped inputs are returned as they
 * are: call it inside `tf.tidy` and keep what you need.
 */
export function clipGradients(grads: tf.Tensor[], options: ClipOptions): tf.Tensor[] {
  const problem = clippingProblem(options);
  if (problem) throw new Error(problem);
  const { clipnorm, clipvalue, global_clipnorm } = options;
  if (clipnorm !== undefined) return grads.map((g) => scaleToNorm(g, l2Norm(g), clipnorm));
  if (global_clipnorm !== undefined) {
    if (grads.length === 0) return grads;
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    return grads.map((g) => scaleToNorm(g, norm, global_clipnorm));
  }
  if (clipvalue !== undefined) return grads.map((g) => tf.clipByValue(g, -clipvalue, clipvalue));
  return grads;
}

function l2Norm(g: tf.Tensor): tf.Scalar {
  return tf.sqrt(tf.sum(tf.square(g))) as tf.Scalar;
}

/** g · limit / max(norm, limit): unchanged below the limit, and a zero gradient stays zero (no 0/0). */
function scaleToNorm(g: tf.Tensor, norm: tf.Scalar, limit: number): tf.Tensor {
  return tf.div(tf.mul(g, limit), tf.maximum(norm, limit));
}
