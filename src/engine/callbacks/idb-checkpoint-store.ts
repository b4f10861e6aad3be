import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { EpochLogs } from '../../experiment/protocol';
import {
  metaOf,
  type Checkpoint,
  type CheckpointEntry,
  type CheckpointLibrary,
  type CheckpointMeta,
  type RngDraws,
  type RunRecord,
  type StoredWeight,
} from './checkpoint-store';

/**
 * What a restore needs beyond the listed metadata, kept apart so that listing never reads it. `history`,
 * `learningRate` and `rngDraws` are absent from records written before Kiln kept them (the schema's version
 * is unchanged: optional fields need no upgrade, and old records restore with what they have).
 */
interface CheckpointData {
  runId: string;
  key: string;
  weights: StoredWeight[];
  optimizer?: StoredWeight[];
  history?: EpochLogs[];
  learningRate?: number;
  rngDraws?: RngDraws;
}

/** A checkpoint's data record: everything but the listed metadata, without absent fields. */
function dataOf(checkpoint: Checkpoint): CheckpointData {
  const { runId, key, weights, optimizer, history, learningRate, rngDraws } = checkpoint;
  return {
    runId,
    key,
    weights,
    ...(optimizer ? { optimizer } : {}),
    ...(history ? { history } : {}),
    ...(learningRate === undefined ? {} : { learningRate }),
    ...(rngDraws ? { rngDraws } : {}),
  };
}

interface CheckpointDb extends DBSchema {
  meta: { key: [string, string]; value: CheckpointMeta; indexes: { runId: string } };
  data: { key: [string, string]; value: CheckpointData };
  runs: { key: string; value: RunRecord };
}

export const CHECKPOINT_DB = 'kiln-checkpoints';

/**
 * ModelCheckpoint's saves in IndexedDB, so they outlive the page. It runs in the worker (IndexedDB exists
 * there) and in Node tests over fake-indexeddb. A checkpoint is two records under `[runId, key]` written in
 * one transaction: its metadata (listed) and its typed arrays (read on restore only). The same key replaces
 * the checkpoint, as Keras overwrites the same filepath. A write over the origin's quota rejects with
 * `QuotaExceededError`, which the caller turns into a notice (see `saveFailureNotice`).
 */
export class IdbCheckpointStore implements CheckpointLibrary {
  private db: Promise<IDBPDatabase<CheckpointDb>> | null = null;

  constructor(private readonly name: string = CHECKPOINT_DB) {}

  private open(): Promise<IDBPDatabase<CheckpointDb>> {
    this.db ??= openDB<CheckpointDb>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('meta', { keyPath: ['runId', 'key'] }).createIndex('runId', 'runId');
        db.createObjectStore('data', { keyPath: ['runId', 'key'] });
        db.createObjectStore('runs', { keyPath: 'id' });
      },
    });
    // A failed open is not cached: the next call tries again.
    this.db.catch(() => (this.db = null));
    return this.db;
  }

  async put(checkpoint: Checkpoint): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(['meta', 'data'], 'readwrite');
    void tx.objectStore('meta').put(metaOf(checkpoint));
    void tx.objectStore('data').put(dataOf(checkpoint));
    await tx.done;
  }

  async list(runId: string): Promise<CheckpointMeta[]> {
    const db = await this.open();
    return newestFirst(await db.getAllFromIndex('meta', 'runId', runId));
  }

  async get(runId: string, key: string): Promise<Checkpoint | null> {
    const db = await this.open();
    const tx = db.transaction(['meta', 'data'], 'readonly');
    const [meta, data] = await Promise.all([
      tx.objectStore('meta').get([runId, key]),
      tx.objectStore('data').get([runId, key]),
    ]);
    if (!meta || !data) return null;
    const { runId: _runId, key: _key, ...stored } = data;
    return { ...meta, ...stored };
  }

  /** Deletes one checkpoint, and its run's record with the run's last checkpoint. */
  async delete(runId: string, key: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(['meta', 'data', 'runs'], 'readwrite');
    const meta = tx.objectStore('meta');
    await Promise.all([meta.delete([runId, key]), tx.objectStore('data').delete([runId, key])]);
    if ((await meta.index('runId').count(runId)) === 0) await tx.objectStore('runs').delete(runId);
    await tx.done;
  }

  async putRun(run: RunRecord): Promise<void> {
    const db = await this.open();
    await db.put('runs', run);
  }

  async getRun(id: string): Promise<RunRecord | null> {
    const db = await this.open();
    return (await db.get('runs', id)) ?? null;
  }

  async listAll(): Promise<CheckpointEntry[]> {
    const db = await this.open();
    const tx = db.transaction(['meta', 'runs'], 'readonly');
    const [metas, runs] = await Promise.all([
      tx.objectStore('meta').getAll(),
      tx.objectStore('runs').getAll(),
    ]);
    const names = new Map(runs.map((run) => [run.id, run.experiment]));
    return newestFirst(metas).map((meta) => ({
      ...meta,
      experiment: names.get(meta.runId) ?? '(unknown run)',
    }));
  }

  /** Closes the connection (tests open a fresh store on the same database to prove what persisted). */
  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    (await db)?.close();
  }
}

function newestFirst<T extends CheckpointMeta>(metas: T[]): T[] {
  return metas.sort((a, b) => b.savedAt - a.savedAt || b.epoch - a.epoch);
}
