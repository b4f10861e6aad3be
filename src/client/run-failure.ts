import type { TrainFailure } from '../experiment/protocol';
import { WorkerCrash } from './worker-handle';

const UNTOUCHED = 'Your graph and settings are untouched; a fresh worker has been started.';

/** The worker died: what the user sees, with `moreHints` after the reassurance. */
export function crashFailure(message: string, ...moreHints: string[]): TrainFailure {
  return {
    kind: 'internal',
    message: `The training worker crashed: ${message}`,
    hints: [UNTOUCHED, ...moreHints],
  };
}

/** A run's call threw: the worker crashed during it, or something failed on the way to the worker. */
export function runFailure(error: unknown): TrainFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof WorkerCrash) {
    return crashFailure(message, 'Try a smaller batch size or model if this keeps happening.');
  }
  return { kind: 'internal', message, hints: ['Reload the page if training keeps failing this way.'] };
}
