import * as Comlink from 'comlink';
import type { BackendReport, TrainerApi, TrainFailure } from '../experiment/protocol';

/** One worker generation: a crash ends it and the client starts the next. */
export interface WorkerHandle {
  worker: Worker;
  api: Comlink.Remote<TrainerApi>;
  /** Rejects when the worker dies (uncaught error or a message it cannot read). */
  crashed: Promise<never>;
  backend: Promise<BackendReport> | null;
}

export type WorkerFactory = () => Worker;

export const defaultFactory: WorkerFactory = () =>
  new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module' });

/** The worker died (uncaught error or a message it could not read). */
export class WorkerCrash extends Error {}

const UNTOUCHED = 'Your graph and settings are untouched; a fresh worker has been started.';

/** The worker died between runs. */
export function crashFailure(message: string): TrainFailure {
  return { kind: 'internal', message: `The training worker crashed: ${message}`, hints: [UNTOUCHED] };
}

/** A run's call to the worker threw (it crashed, or something the engine did not turn into a failure). */
export function runFailure(error: unknown): TrainFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof WorkerCrash)) {
    return { kind: 'internal', message, hints: ['Reload the page if training keeps failing this way.'] };
  }
  return {
    ...crashFailure(message),
    hints: [UNTOUCHED, 'Try a smaller batch size or model if this keeps happening.'],
  };
}
