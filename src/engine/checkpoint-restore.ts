import { parseExperiment, type ExperimentSpec } from '../experiment/spec';
import type { CheckpointView, RestoreResult, TrainFailure } from '../experiment/protocol';
import type { CheckpointEntry, CheckpointLibrary } from './callbacks/checkpoint-store';
import { toFailure } from './failures';
import type { SessionResult } from './run-experiment';
import type { RestoredPosition, SessionOptions, TrainingSession } from './session';

// The protocol's copy of a listed checkpoint must stay the same plain data as the store's own.
const _sameShape: (entry: CheckpointEntry) => CheckpointView = (entry) => entry;
void _sameShape;

/** Whether a run of `spec` saves checkpoints, so its record is worth keeping. */
function savesCheckpoints(spec: ExperimentSpec): boolean {
  return spec.fit.callbacks?.some((c) => c.name === 'ModelCheckpoint') ?? false;
}

/**
 * The session options of a new run of `spec`: a fresh id (unique across reloads) and the library as its
 * checkpoint store, with the run's record (name, spec, start) kept first when the spec has a ModelCheckpoint,
 * so its checkpoints can be restored after a reload. A record that cannot be written (storage full) is not
 * an error here: the saves will say why they fail.
 */
export async function checkpointedRun(
  library: CheckpointLibrary,
  spec: ExperimentSpec,
): Promise<SessionOptions> {
  const runId = crypto.randomUUID();
  if (savesCheckpoints(spec)) {
    const record = { id: runId, experiment: spec.name, spec: JSON.stringify(spec), startedAt: Date.now() };
    await library.putRun(record).catch(() => undefined);
  }
  return { checkpointStore: library, runId };
}

const failure = (message: string, hints: string[] = []): TrainFailure => ({ kind: 'spec', message, hints });

export type Restored =
  | { ok: true; session: TrainingSession; result: Extract<RestoreResult, { ok: true }> }
  | { ok: false; failure: TrainFailure };

/**
 * Restores checkpoint `key` of run `runId` (see TrainerApi.restoreCheckpoint): into `parked` when that is the
 * run's session, else into a session that `open` builds from the run's stored spec (a fresh run id, so its
 * own saves never overwrite the checkpoints it came from). Either way the session then stands at the start of
 * the epoch after the checkpoint's, with its history (TrainingSession.loadCheckpoint). A session opened here
 * that cannot take the checkpoint is disposed. Resolves with a failure for anything the user can meet; never
 * rejects.
 */
export async function restoreCheckpointInto(
  library: CheckpointLibrary,
  runId: string,
  key: string,
  parked: TrainingSession | null,
  open: (spec: ExperimentSpec, options: SessionOptions) => Promise<SessionResult>,
): Promise<Restored> {
  try {
    const checkpoint = await library.get(runId, key);
    if (!checkpoint) return { ok: false, failure: failure(`Checkpoint "${key}" is gone: it was deleted.`) };
    const done = (session: TrainingSession, into: 'parked' | 'new', at: RestoredPosition): Restored => ({
      ok: true,
      session,
      result: { ok: true, into, spec: session.settings, key, epoch: checkpoint.epoch, ...at },
    });
    if (parked?.runId === runId) return done(parked, 'parked', await parked.loadCheckpoint(checkpoint));
    const run = await library.getRun(runId);
    if (!run) {
      return {
        ok: false,
        failure: failure(`The run of checkpoint "${key}" was not recorded, so its model cannot be rebuilt.`),
      };
    }
    const parsed = parseExperiment(JSON.parse(run.spec));
    if (!parsed.ok) {
      return {
        ok: false,
        failure: failure(`The experiment of checkpoint "${key}" is no longer valid.`, parsed.problems),
      };
    }
    const opened = await open(parsed.spec, await checkpointedRun(library, parsed.spec));
    if (!opened.session) return { ok: false, failure: opened.failure };
    try {
      return done(opened.session, 'new', await opened.session.loadCheckpoint(checkpoint));
    } catch (error) {
      opened.session.dispose();
      throw error;
    }
  } catch (error) {
    return { ok: false, failure: toFailure(error, 'build') };
  }
}
