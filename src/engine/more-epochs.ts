import type { ExperimentSpec } from '../experiment/spec';
import type { SettingsPatch } from '../experiment/protocol';
import type { Checkpoint } from './callbacks/checkpoint-store';
import { EngineFailure, toFailure } from './failures';
import type { SessionResult } from './run-experiment';
import type { SessionOptions } from './session';
import type { LoopState } from './train-loop';

/**
 * "Train N more epochs": Keras's `model.fit(x, y, initial_epoch=done, epochs=done + n)` called again on the
 * same model. A paused run raises its `fit.epochs` with the Resume patch; a finished run goes on from a copy
 * of where it ended (weights, optimizer state, learning rate, history, random streams), kept on the CPU by the
 * worker, since its session is disposed when it finishes (so its tensors are released and a lost GPU device
 * cannot take the copy with it).
 */

/** The most epochs a spec may ask for (spec.ts: `fit.epochs`). */
export const MAX_EPOCHS = 1000;

/**
 * Why a run standing at `state` cannot train `epochs` epochs in all, or null when it can. An epoch that has
 * begun (its order drawn, on_epoch_begin run) counts as done: ending before it would drop its steps.
 */
export function epochsRefusal(epochs: number, state: Pick<LoopState, 'epoch' | 'order'>): string | null {
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS) {
    return `fit.epochs must be a whole number from 1 to ${MAX_EPOCHS}; got ${epochs}.`;
  }
  const begun = state.order !== null ? state.epoch : state.epoch - 1;
  if (epochs >= begun) return null;
  const what = state.order !== null ? `is in epoch ${begun}` : `has trained ${begun} epochs`;
  return `The run ${what}, so fit.epochs cannot be lowered to ${epochs}: it can only be ${begun} or more.`;
}

/** Throws the `spec` failure of `epochsRefusal`, if there is one. */
export function assertEpochsAllowed(epochs: number, state: Pick<LoopState, 'epoch' | 'order'>): void {
  const refusal = epochsRefusal(epochs, state);
  if (refusal) {
    throw new EngineFailure('spec', refusal, ['Ask for more epochs than the run has done, or press Train.']);
  }
}

/** A finished run the worker keeps to train on: its spec, its id (its saves go on there), where it ended. */
export interface FinishedRun {
  spec: ExperimentSpec;
  runId: string;
  end: Checkpoint;
}

/**
 * A session that stands where `run` ended, with `patch` applied (its `epochs` the new total): opened by
 * `open` (under the run's own id, so ModelCheckpoint's saves go on beside the earlier ones) and loaded with
 * the run's end as a checkpoint is (TrainingSession.loadCheckpoint). Its next `run` trains epochs done + 1 to
 * `patch.epochs`, beginning with on_train_begin as a new `fit` call does. A session that cannot take the
 * patch (fewer epochs than done) is disposed and the refusal returned. Never rejects.
 */
export async function reopenFinished(
  run: FinishedRun,
  patch: SettingsPatch,
  open: (spec: ExperimentSpec, options: Pick<SessionOptions, 'runId'>) => Promise<SessionResult>,
): Promise<SessionResult> {
  try {
    const opened = await open(run.spec, { runId: run.runId });
    if (!opened.session) return opened;
    try {
      await opened.session.loadCheckpoint(run.end);
      opened.session.apply(patch);
      return opened;
    } catch (error) {
      opened.session.dispose();
      throw error;
    }
  } catch (error) {
    return { session: null, failure: toFailure(error, 'build') };
  }
}
