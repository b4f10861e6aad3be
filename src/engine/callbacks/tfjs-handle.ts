import * as tf from '@tensorflow/tfjs';
import type { KerasOptimizer } from '../compile/keras-optimizer';
import {
  checkpointBytes,
  type Checkpoint,
  type CheckpointStore,
  type StoredWeight,
} from './checkpoint-store';
import type { SaveRequest, TrainingHandle } from './types';

/**
 * The real `TrainingHandle` for a tfjs model and Kiln's optimizer, and the checkpoint reads/writes.
 * Snapshots are device-side clones (no readback, so EarlyStopping's restore_best_weights costs no stall);
 * the callback that holds one releases it, so a run leaves no tensor behind.
 */
export function tfjsHandle(model: tf.LayersModel, optimizer: KerasOptimizer): TrainingHandle<tf.Tensor[]> {
  return {
    getLearningRate: () => optimizer.learningRate,
    setLearningRate: (lr) => optimizer.setLearningRate(lr),
    snapshotWeights: () => model.getWeights().map((w) => tf.keep(tf.clone(w))),
    restoreWeights: (weights) => model.setWeights(weights),
    releaseWeights: (weights) => tf.dispose(weights),
  };
}

async function readAll(named: { name: string; tensor: tf.Tensor }[]): Promise<StoredWeight[]> {
  return Promise.all(
    named.map(async ({ name, tensor }) => ({
      name,
      shape: [...tensor.shape],
      dtype: tensor.dtype === 'int32' ? ('int32' as const) : ('float32' as const),
      data: (await tensor.data()) as Float32Array | Int32Array,
    })),
  );
}

/**
 * Performs one ModelCheckpoint save request: one readback of every weight (and, unless weights-only, the
 * optimizer's state), then `store.put`. Call it after the epoch's own readback, so it adds no extra stall
 * mid-epoch.
 */
export async function saveCheckpoint(
  store: CheckpointStore,
  runId: string,
  request: SaveRequest,
  model: tf.LayersModel,
  optimizer: KerasOptimizer,
  now: () => number = Date.now,
): Promise<Checkpoint> {
  const weights = await readAll(model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
  let state: StoredWeight[] | undefined;
  if (!request.weightsOnly) {
    const named = await optimizer.getWeights();
    try {
      state = await readAll(named);
    } finally {
      tf.dispose(named[0].tensor); // the step count is a fresh scalar; the slots are the optimizer's own.
    }
  }
  const checkpoint: Checkpoint = {
    key: request.key,
    runId,
    epoch: request.epoch,
    monitor: request.monitor,
    value: request.value,
    weightsOnly: request.weightsOnly,
    savedAt: now(),
    bytes: checkpointBytes(weights, state),
    weights,
    ...(state ? { optimizer: state } : {}),
  };
  await store.put(checkpoint);
  return checkpoint;
}

/** Puts a checkpoint's weights (and optimizer state, when it has it) back into the model, by weight name. */
export async function restoreCheckpoint(
  checkpoint: Checkpoint,
  model: tf.LayersModel,
  optimizer?: KerasOptimizer,
): Promise<void> {
  const byName = new Map(checkpoint.weights.map((w) => [w.name, w]));
  const values = model.weights.map((w) => {
    const stored = byName.get(w.originalName);
    if (!stored) throw new Error(`The checkpoint has no weight ${w.originalName}: it is from another model.`);
    return tf.tensor(stored.data, stored.shape, stored.dtype);
  });
  try {
    model.setWeights(values);
  } finally {
    tf.dispose(values);
  }
  if (optimizer && checkpoint.optimizer) {
    const named = checkpoint.optimizer.map((w) => ({
      name: w.name,
      tensor: tf.tensor(w.data, w.shape, w.dtype),
    }));
    try {
      await optimizer.setWeights(named);
    } finally {
      tf.dispose(named.map((n) => n.tensor));
    }
  }
}
