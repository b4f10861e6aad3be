import type { CheckpointView, SettingsPatch, TrainerApi, TrainFailure } from '../experiment/protocol';
import type { RestoredRun } from './trainer-client.svelte';

/** What the checkpoints need of the trainer client (TrainerClient has it; tests pass a fake). */
export interface CheckpointHost {
  readonly api: Pick<TrainerApi, 'listCheckpoints' | 'deleteCheckpoint' | 'restoreCheckpoint'>;
  readonly busy: boolean;
  readonly resumable: boolean;
  /** Makes the restored session the resumable run; the device's refusal, or null. */
  adoptRestored(restored: RestoredRun): TrainFailure | null;
  resume(patch: SettingsPatch): Promise<unknown>;
}

const epochRange = (from: number, to: number) => (from === to ? `epoch ${from}` : `epochs ${from}–${to}`);

/** What a restore did, in words: where the run stands, what Continue will train, and what is unknown. */
export function restoredMessage(restored: RestoredRun): string {
  const { key, epoch, spec } = restored;
  const epochs = spec.fit.epochs;
  const what = `"${key}" (epoch ${epoch} of ${epochs}) of ${spec.name}`;
  const where =
    restored.into === 'new'
      ? `Restored ${what} into a new session`
      : `Loaded ${what} into the interrupted run, which goes back to the end of epoch ${epoch}`;
  const unknown = restored.historySaved
    ? ''
    : ` It was saved by an earlier version of Kiln without its epoch history, so ${epochRange(1, epoch)} ${epoch === 1 ? 'shows' : 'show'} no values.`;
  if (epoch >= epochs) {
    return `${where}.${unknown} It is the run's last epoch, so there is nothing left to train: restore an earlier checkpoint to train on from it, or press Train for a new run.`;
  }
  return `${where}.${unknown} Continue trains ${epochRange(epoch + 1, epochs)} with its saved settings.`;
}

/** A checkpoint's identity in the list (a key is unique within its run). */
export const checkpointId = (c: Pick<CheckpointView, 'runId' | 'key'>) => `${c.runId}\u0000${c.key}`;

function asFailure(error: unknown, what: string): TrainFailure {
  const reason = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message: `${what}: ${reason}`, hints: [] };
}

/**
 * The Checkpoints tab's state: the kept ModelCheckpoint saves (IndexedDB in the worker, so they survive a
 * reload), and the Restore and Delete intents. A restored checkpoint becomes the resumable run, standing after
 * its epoch with its history, and `continueTraining` resumes it with its saved settings at the next epoch.
 */
export class Checkpoints {
  #items = $state.raw<CheckpointView[]>([]);
  #loaded = $state(false);
  #failure = $state.raw<TrainFailure | null>(null);
  #message = $state<string | null>(null);
  /** The checkpoint a Restore or Delete is working on. */
  #pending = $state<string | null>(null);
  /** The last restore was of the run's last epoch: Continue would train nothing. */
  #nothingLeft = $state(false);
  #reads = 0;

  constructor(private readonly host: CheckpointHost) {}

  /** Newest first, every run and experiment. */
  get items(): CheckpointView[] {
    return this.#items;
  }
  /** The first list arrived (until then the panel says it is reading). */
  get loaded(): boolean {
    return this.#loaded;
  }
  /** Why the last restore, delete or read failed. */
  get failure(): TrainFailure | null {
    return this.#failure;
  }
  /** What the last restore did. */
  get message(): string | null {
    return this.#message;
  }
  get pending(): string | null {
    return this.#pending;
  }
  /** Restore needs the worker free; Continue needs a parked run. */
  get canRestore(): boolean {
    return !this.host.busy && this.#pending === null;
  }
  get canContinue(): boolean {
    return this.host.resumable && !this.host.busy && !this.#nothingLeft;
  }

  /** Reads the list again; an older read that finishes late never replaces a newer one. */
  async refresh(): Promise<void> {
    const read = ++this.#reads;
    try {
      const items = await this.host.api.listCheckpoints();
      if (read === this.#reads) this.#items = items;
    } catch (error) {
      if (read === this.#reads) this.#failure = asFailure(error, 'The checkpoints could not be read');
    } finally {
      this.#loaded = true;
    }
  }

  async remove(checkpoint: CheckpointView): Promise<void> {
    if (this.#pending !== null) return;
    this.#pending = checkpointId(checkpoint);
    this.#failure = null;
    try {
      await this.host.api.deleteCheckpoint(checkpoint.runId, checkpoint.key);
    } catch (error) {
      this.#failure = asFailure(error, `Checkpoint "${checkpoint.key}" could not be deleted`);
    } finally {
      this.#pending = null;
    }
    await this.refresh();
  }

  async restore(checkpoint: CheckpointView): Promise<void> {
    if (!this.canRestore) return;
    this.#pending = checkpointId(checkpoint);
    this.#failure = null;
    this.#message = null;
    try {
      const result = await this.host.api.restoreCheckpoint(checkpoint.runId, checkpoint.key);
      if (!result.ok) {
        this.#failure = result.failure;
        return;
      }
      const refusal = this.host.adoptRestored(result);
      if (refusal) {
        this.#failure = refusal;
        return;
      }
      this.#nothingLeft = result.epoch >= result.spec.fit.epochs;
      this.#message = restoredMessage(result);
    } catch (error) {
      this.#failure = asFailure(error, `Checkpoint "${checkpoint.key}" could not be restored`);
    } finally {
      this.#pending = null;
    }
  }

  /** Resumes the restored (parked) run with its own settings. */
  continueTraining(): void {
    if (!this.canContinue) return;
    this.#message = null;
    void this.host.resume({});
  }
}
