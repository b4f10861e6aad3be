import type { CallbackEventView, TrainEvent, TrainOutcome } from '../experiment/protocol';

export type RunNotice = Extract<TrainEvent, { type: 'notice' }>;
export type EarlyStop = NonNullable<TrainOutcome['earlyStopped']>;

/**
 * What the Keras callbacks did during a run (stop, lr change, checkpoint…) and the run's latest notices, for
 * marks on the loss chart. Reset by a fresh Train; a resumed run keeps adding to it.
 */
export class RunEvents {
  #callbacks = $state.raw<CallbackEventView[]>([]);
  #notices = $state.raw<RunNotice[]>([]);
  #earlyStopped = $state.raw<EarlyStop | null>(null);
  #run = 0;

  get callbacks(): CallbackEventView[] {
    return this.#callbacks;
  }
  /** The latest warnings (one per message), newest last. */
  get notices(): RunNotice[] {
    return this.#notices;
  }
  /** Set when a callback ended the last run before its planned epochs. */
  get earlyStopped(): EarlyStop | null {
    return this.#earlyStopped;
  }

  reset(): void {
    this.#callbacks = [];
    this.#notices = [];
    this.#earlyStopped = null;
  }

  /** A run restored to a checkpoint of its own keeps the marks of the epochs it kept (the rest are undone). */
  keepUpTo(epoch: number, callbacks: CallbackEventView[]): void {
    this.#callbacks = callbacks.filter((e) => e.epoch <= epoch);
  }

  take(event: TrainEvent): void {
    if (event.type === 'callback') this.#callbacks = [...this.#callbacks, event.event];
    else if (event.type === 'notice')
      this.#notices = [...this.#notices.filter((n) => n.message !== event.message), event].slice(-3);
  }

  /** A run (train or resume) starts; returns its number for `takeLate`. */
  begin(): number {
    return ++this.#run;
  }

  /**
   * An event that arrived after its run's outcome: comlink sends events on the callback proxy's own port and
   * the outcome on the worker's, so the last epoch's callback events can land after the outcome. They still
   * belong to the run unless another one has started since.
   */
  takeLate(event: TrainEvent, run: number): void {
    if (run === this.#run) this.take(event);
  }

  finish(outcome: TrainOutcome): void {
    this.#earlyStopped = outcome.earlyStopped ?? null;
  }
}
