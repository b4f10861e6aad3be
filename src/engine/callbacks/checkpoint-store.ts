import type { CheckpointView, EpochLogs } from '../../experiment/protocol';

/**
 * Where checkpoints live. The interface is what ModelCheckpoint's save requests need and what the UI needs
 * to list and restore them; the browser implementation (IndexedDB, in the worker) is the loop's integration,
 * and `MemoryCheckpointStore` serves tests and runs without persistence.
 *
 * Weights are plain typed arrays (read back once per save with `await tensor.data()`), so a checkpoint is
 * structured-cloneable: it can go into IndexedDB or across the worker boundary as is.
 */
export interface StoredWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** What a store keeps beside the weights: the panel's row without the experiment's name (a run record has it). */
export type CheckpointMeta = Omit<CheckpointView, 'experiment'>;

export interface Checkpoint extends CheckpointMeta {
  weights: StoredWeight[];
  /** Optimizer slots and step count, absent for `save_weights_only` (Keras saves them with the full model). */
  optimizer?: StoredWeight[];
  /**
   * The run's epoch logs up to and including `epoch` (index 0 = epoch 1), so a restore continues the chart.
   * Absent in checkpoints saved before Kiln kept it: those restore with their weights and epoch only.
   */
  history?: EpochLogs[];
  /**
   * The rate the next epoch would have trained with (a ReduceLROnPlateau change included); absent with a
   * schedule (the optimizer's step count sets the rate) and in older checkpoints.
   */
  learningRate?: number;
  /**
   * Draws taken so far from the run's shuffle and dropout random streams (run-control.ts), so a restored run
   * draws the epoch orders and masks the uninterrupted run would have. Absent in older checkpoints.
   */
  rngDraws?: RngDraws;
}

export interface RngDraws {
  shuffle: number;
  step: number;
}

/** What the run (not the model) contributes to a checkpoint: where it stands, to continue from there. */
export type RunState = Pick<Checkpoint, 'history' | 'rngDraws'>;

export interface CheckpointStore {
  put(checkpoint: Checkpoint): Promise<void>;
  /** Newest first. */
  list(runId: string): Promise<CheckpointMeta[]>;
  get(runId: string, key: string): Promise<Checkpoint | null>;
  delete(runId: string, key: string): Promise<void>;
}

/**
 * A run whose checkpoints are kept: enough to rebuild its session after a reload. `spec` is the experiment's
 * JSON, parsed again on restore, so a spec saved by an older Kiln is validated like an imported file.
 */
export interface RunRecord {
  id: string;
  experiment: string;
  spec: string;
  startedAt: number;
}

/** A checkpoint as the Checkpoints panel lists it: its metadata and the experiment it belongs to. */
export interface CheckpointEntry extends CheckpointMeta {
  experiment: string;
}

/** A store that outlives the page (IndexedDB): checkpoints of every run, and the runs themselves. */
export interface CheckpointLibrary extends CheckpointStore {
  putRun(run: RunRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | null>;
  /** Every run's checkpoints, newest first. */
  listAll(): Promise<CheckpointEntry[]>;
}

export function checkpointBytes(weights: StoredWeight[], optimizer: StoredWeight[] = []): number {
  return [...weights, ...optimizer].reduce((n, w) => n + w.data.byteLength, 0);
}

export function metaOf(checkpoint: Checkpoint): CheckpointMeta {
  const { key, runId, epoch, monitor, value, weightsOnly, savedAt, bytes } = checkpoint;
  return { key, runId, epoch, monitor, value, weightsOnly, savedAt, bytes };
}

export class MemoryCheckpointStore implements CheckpointStore {
  private readonly items = new Map<string, Checkpoint>();

  async put(checkpoint: Checkpoint): Promise<void> {
    // Copies, so later changes to the caller's arrays cannot alter a stored checkpoint (IndexedDB clones too).
    const copy = (ws: StoredWeight[]) => ws.map((w) => ({ ...w, shape: [...w.shape], data: w.data.slice() }));
    this.items.set(`${checkpoint.runId}\u0000${checkpoint.key}`, {
      ...checkpoint,
      weights: copy(checkpoint.weights),
      ...(checkpoint.optimizer ? { optimizer: copy(checkpoint.optimizer) } : {}),
      ...(checkpoint.history ? { history: checkpoint.history.map((logs) => ({ ...logs })) } : {}),
      ...(checkpoint.rngDraws ? { rngDraws: { ...checkpoint.rngDraws } } : {}),
    });
  }

  async list(runId: string): Promise<CheckpointMeta[]> {
    return [...this.items.values()]
      .filter((c) => c.runId === runId)
      .map(metaOf)
      .sort((a, b) => b.savedAt - a.savedAt || b.epoch - a.epoch);
  }

  async get(runId: string, key: string): Promise<Checkpoint | null> {
    return this.items.get(`${runId}\u0000${key}`) ?? null;
  }

  async delete(runId: string, key: string): Promise<void> {
    this.items.delete(`${runId}\u0000${key}`);
  }
}
