import * as tf from '@tensorflow/tfjs';
import type { KerasOptimizer } from '../compile/keras-optimizer';
import {
  checkpointBytes,
  type Checkpoint,
  type CheckpointStore,
  type RunState,
  type StoredWeight,
} from './checkpoint-store';
import type { SaveRequest, TrainingHandle } from './types';
import type { TrainEvent } from '../../experiment/protocol';
import { EngineFailure } from '../failures';

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
 * Optimizer slots are named `<variable>/<slot>` after tfjs's unique variable name (`dense/kernel_3`), which a
 * rebuilt model does not share; a checkpoint names them after the weight's original name, as its weights.
 */
function renameSlot(name: string, names: Map<string, string>): string {
  const cut = name.lastIndexOf('/');
  if (cut < 0) return name; // the step count
  const renamed = names.get(name.slice(0, cut));
  return renamed === undefined ? name : `${renamed}/${name.slice(cut + 1)}`;
}

/**
 * Performs one ModelCheckpoint save request: one readback of every weight (and, unless weights-only, the
 * optimizer's state), then `store.put`. Call it after the epoch's own readback, so it adds no extra stall
 * mid-epoch. `run` is where the run stands (its epoch logs up to the saved epoch, its random streams), kept so
 * a restore continues from there.
 */
export async function saveCheckpoint(
  store: CheckpointStore,
  runId: string,
  request: SaveRequest,
  model: tf.LayersModel,
  optimizer: KerasOptimizer,
  now: () => number = Date.now,
  run: RunState = {},
): Promise<Checkpoint> {
  const checkpoint = await readCheckpoint(runId, request, model, optimizer, now, run);
  await store.put(checkpoint);
  return checkpoint;
}

/** The checkpoint a save request asks for, read back from the device (not stored yet). */
export async function readCheckpoint(
  runId: string,
  request: SaveRequest,
  model: tf.LayersModel,
  optimizer: KerasOptimizer,
  now: () => number,
  run: RunState,
): Promise<Checkpoint> {
  const weights = await readAll(model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
  let state: StoredWeight[] | undefined;
  if (!request.weightsOnly) {
    const named = await optimizer.getWeights();
    const original = new Map(model.weights.map((w) => [w.name, w.originalName]));
    try {
      state = (await readAll(named)).map((w) => ({ ...w, name: renameSlot(w.name, original) }));
    } finally {
      tf.dispose(named.map((n) => n.tensor)); // getWeights returns copies: the step count and every slot.
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
    ...(run.history ? { history: run.history.map((logs) => ({ ...logs })) } : {}),
    ...(run.rngDraws ? { rngDraws: { ...run.rngDraws } } : {}),
    // With a schedule the rate follows the optimizer's step count, which the optimizer state carries.
    ...(optimizer.hasSchedule ? {} : { learningRate: optimizer.learningRate }),
  };
  return checkpoint;
}

const shapeText = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

/** What keeps a checkpoint from fitting a model: weights missing either side or of another shape. */
export function checkpointMismatches(checkpoint: Checkpoint, model: tf.LayersModel): string[] {
  const saved = new Map(checkpoint.weights.map((w) => [w.name, w]));
  const problems: string[] = [];
  for (const w of model.weights) {
    const stored = saved.get(w.originalName);
    saved.delete(w.originalName);
    if (!stored) problems.push(`${w.originalName} ${shapeText(w.shape)} is not in the checkpoint.`);
    else if (shapeText(stored.shape) !== shapeText(w.shape)) {
      problems.push(
        `${w.originalName} was saved as ${shapeText(stored.shape)}; the model has ${shapeText(w.shape)}.`,
      );
    }
  }
  for (const name of saved.keys()) problems.push(`${name} is in the checkpoint but not in the model.`);
  return problems;
}

/** Throws the `graph` failure that lists why a checkpoint does not fit the model, if it does not. */
export function assertCheckpointFits(checkpoint: Checkpoint, model: tf.LayersModel): void {
  const problems = checkpointMismatches(checkpoint, model);
  if (problems.length > 0) {
    throw new EngineFailure(
      'graph',
      `Checkpoint "${checkpoint.key}" (epoch ${checkpoint.epoch}) does not fit this model: the graph changed since it was saved.`,
      problems,
    );
  }
}

/**
 * Puts a checkpoint's weights (and optimizer state, when it has it and `optimizer` is given) back into the
 * model, by weight name. Refuses, changing nothing, when the model's weights are not the checkpoint's: the
 * graph changed since it was saved.
 */
export async function restoreCheckpoint(
  checkpoint: Checkpoint,
  model: tf.LayersModel,
  optimizer?: KerasOptimizer,
): Promise<void> {
  assertCheckpointFits(checkpoint, model);
  const byName = new Map(checkpoint.weights.map((w) => [w.name, w]));
  const values = model.weights.map((w) => {
    const stored = byName.get(w.originalName)!;
    return tf.tensor(stored.data, stored.shape, stored.dtype);
  });
  try {
    model.setWeights(values);
  } finally {
    tf.dispose(values);
  }
  if (optimizer && checkpoint.optimizer) {
    const current = new Map(model.weights.map((w) => [w.originalName, w.name]));
    const named = checkpoint.optimizer.map((w) => ({
      name: renameSlot(w.name, current),
      tensor: tf.tensor(w.data, w.shape, w.dtype),
    }));
    try {
      await optimizer.setWeights(named);
    } finally {
      tf.dispose(named.map((n) => n.tensor));
    }
  }
}

function isQuotaError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'QuotaExceededError';
}

/**
 * Performs a save and, when the store refuses it, says so instead of failing the run: a checkpoint is a
 * copy, and losing one must not cost the training. Returns the notice to show, or null when it was saved.
 */
export async function saveOrExplain(
  store: CheckpointStore,
  runId: string,
  request: SaveRequest,
  model: tf.LayersModel,
  optimizer: KerasOptimizer,
  run: RunState = {},
): Promise<Extract<TrainEvent, { type: 'notice' }> | null> {
  const checkpoint = await readCheckpoint(runId, request, model, optimizer, Date.now, run);
  try {
    await store.put(checkpoint);
    return null;
  } catch (error) {
    const what = `Checkpoint "${request.key}" (epoch ${request.epoch}, ${formatBytes(checkpoint.bytes)}) was not saved`;
    if (isQuotaError(error)) {
      return {
        type: 'notice',
        level: 'warning',
        message: `${what}: the browser's storage quota for this site is full (QuotaExceededError). Training goes on.`,
        hint: 'Delete old checkpoints in the Checkpoints tab, or set save_best_only or save_weights_only to save less.',
      };
    }
    const reason = error instanceof Error ? error.message : String(error);
    return { type: 'notice', level: 'warning', message: `${what}: ${reason}. Training goes on.` };
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
