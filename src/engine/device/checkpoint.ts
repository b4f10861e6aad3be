import * as tf from '@tensorflow/tfjs';

/**
 * The last good copy of a run, on the CPU: the model's weights and the loop position they belong to. A lost
 * device takes every tensor with it, and a step whose error scope reported an error may have written garbage
 * (zeros, for a binding over the limit) into the weights, so recovery needs a copy that is not on the device.
 *
 * When: only at readback points the loop already waits at, and only once the steps before it are verified
 * clean (guard.ts): at the start of a run, at every epoch end, and at mid-epoch readbacks at most every
 * `CHECKPOINT_INTERVAL_MS`. The weights are read with the loss sums in the same queue drain, so a copy costs one
 * transfer of the weights (4 bytes per parameter: 0.9 MB for the MNIST MLP) and no extra stall; the interval
 * bounds that cost for big models, and bounds what a loss can take away to the steps of the last interval.
 * The optimizer's slots are not copied (that would triple the transfer for Adam): a restored run starts them
 * afresh, as Keras does when an optimizer is rebuilt.
 */
export const CHECKPOINT_INTERVAL_MS = 2_000;

export interface Checkpoint {
  /** The epoch in progress (from 1) and the samples of it already trained on. */
  epoch: number;
  seen: number;
  /** That epoch's sample order (null at an epoch boundary: the next epoch draws its own). */
  order: Int32Array | null;
  /** The epoch's running sums (the objective's layout: loss, output losses, metrics) at this point. */
  sums: number[];
  /** Completed epochs at this point. */
  historyLength: number;
  /** LoopState.steps at this point, to say how many steps a restore repeats. */
  steps: number;
  /** One array per `model.weights` entry, in order. */
  weights: Float32Array[];
  takenAt: number;
}

/** The model's variables in `model.weights` order (what a checkpoint holds and restores). */
export function weightVariables(model: tf.LayersModel): tf.Variable[] {
  return model.weights.map((w) => w.read() as tf.Variable);
}

/** Puts the copied values back into the model's variables (on whichever backend is current now). */
export function restoreWeights(model: tf.LayersModel, weights: Float32Array[]): void {
  const variables = weightVariables(model);
  if (variables.length !== weights.length) throw new Error('The checkpoint does not match the model.');
  tf.tidy(() => {
    variables.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape, v.dtype)));
  });
}
