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
