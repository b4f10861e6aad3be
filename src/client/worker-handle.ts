import * as Comlink from 'comlink';
import type { BackendReport, TrainerApi } from '../experiment/protocol';

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

/**
 * Starts a worker from `factory` and wraps it. `onCrash` runs once when it dies, after `crashed` has rejected
 * and the worker was terminated; the owner decides whether to start the next generation.
 */
export function startWorker(factory: WorkerFactory, onCrash: (message: string) => void): WorkerHandle {
  const worker = factory();
  const api = Comlink.wrap<TrainerApi>(worker);
  let reject: (reason: unknown) => void = () => undefined;
  const crashed = new Promise<never>((_, r) => (reject = r));
  crashed.catch(() => undefined);
  let dead = false;
  const crash = (message: string) => {
    if (dead) return;
    dead = true;
    reject(new WorkerCrash(message));
    worker.terminate();
    onCrash(message);
  };
  worker.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    crash(event.message || 'unknown error');
  });
  worker.addEventListener('messageerror', () => crash('a message from the worker could not be read'));
  return { worker, api, crashed, backend: null };
}
