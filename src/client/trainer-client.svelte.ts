import * as Comlink from 'comlink';
import type { BackendChoice, ExperimentSpec } from '../experiment/spec';
import type {
  BackendReport,
  EpochLogs,
  MemoryEstimateView,
  MemoryView,
  RestoreResult,
  RunLimits,
  SettingsPatch,
  TrainerApi,
  TrainEvent,
  TrainFailure,
  TrainOutcome,
} from '../experiment/protocol';
import type { DeviceSeat } from './device-seat';
import { applyPatch, patchBetween } from './settings-patch';
import { RunEvents } from './run-events.svelte';
import { RunControl } from './run-control.svelte';
import { defaultFactory, startWorker, type WorkerFactory, type WorkerHandle } from './worker-handle';
import { crashFailure, runFailure } from './run-failure';

export type { WorkerFactory } from './worker-handle';

/** A checkpoint restored into a session the worker parked. */
export type RestoredRun = Extract<RestoreResult, { ok: true }>;

export type TrainerStatus = 'idle' | 'starting' | 'training' | 'paused' | 'finished' | 'stopped' | 'failed';

/**
 * The main thread's owner of the trainer worker: a typed API over comlink and the reactive state the UI
 * renders. Nothing the user built lives here, so a crashed worker is simply replaced.
 */
export class TrainerClient {
  #status = $state<TrainerStatus>('idle');
  #backend = $state.raw<BackendReport | null>(null);
  #epoch = $state(0);
  #epochs = $state(0);
  #step = $state(0);
  #stepsPerEpoch = $state(0);
  #history = $state.raw<EpochLogs[]>([]);
  #lastLoss = $state<number | null>(null);
  #failure = $state.raw<TrainFailure | null>(null);
  #crashes = $state(0);
  #estimate = $state.raw<MemoryEstimateView | null>(null);
  #memory = $state.raw<MemoryView | null>(null);
  /** The highest step peak seen in memory events since the latest estimate; the outcome's figure replaces it. */
  #livePeak = $state<number | null>(null);
  #measuredPeak = $state<number | null>(null);
  #resumable = $state(false);
  #continuable = $state(false);
  #tensors = $state.raw<{ before: number; after: number } | null>(null);
  #resumedWith = $state.raw<SettingsPatch | null>(null);
  #resumedAtEpoch = $state(0);
  /** The callbacks' events (stop, lr change, checkpoint…) and notices of the run, kept across a resume. */
  readonly events = new RunEvents();
  /** Pause, Resume, Single step, Stop of a paused run, and the ETA (run-control.svelte.ts). */
  readonly control: RunControl = new RunControl(this, {
    api: () => this.#handle?.api ?? null,
    finish: (outcome) => this.#finish(outcome),
  });
  /** The spec the worker's parked run was trained with, so a resume can only ever be asked with a patch. */
  #runSpec: ExperimentSpec | null = null;

  #factory: WorkerFactory;
  #handle: WorkerHandle | null = null;
  #preference: BackendChoice = 'webgpu';
  /** Crashes since the last successful init; a worker that cannot even start is not restarted forever. */
  #crashStreak = 0;
  #device: DeviceSeat | null = null;
  #deviceLimit: number | null = null;

  constructor(factory: WorkerFactory = defaultFactory) {
    this.#factory = factory;
  }

  get status(): TrainerStatus {
    return this.#status;
  }
  get backend(): BackendReport | null {
    return this.#backend;
  }
  /** Epochs completed in the current (or last) run. */
  get epoch(): number {
    return this.#epoch;
  }
  get epochs(): number {
    return this.#epochs;
  }
  get step(): number {
    return this.#step;
  }
  get stepsPerEpoch(): number {
    return this.#stepsPerEpoch;
  }
  get history(): EpochLogs[] {
    return this.#history;
  }
  get lastLoss(): number | null {
    return this.#lastLoss;
  }
  get failure(): TrainFailure | null {
    return this.#failure;
  }
  /** How many times the worker died and was replaced. */
  get crashes(): number {
    return this.#crashes;
  }
  /** The latest pre-flight estimate (one step's peak by component, against the budget). */
  get estimate(): MemoryEstimateView | null {
    return this.#estimate;
  }
  /** The latest live memory figures from the tracker. */
  get memory(): MemoryView | null {
    return this.#memory;
  }
  /** The highest step peak measured at the current batch size: the outcome's, or the live one during a run. */
  get measuredPeakBytes(): number | null {
    return this.#measuredPeak ?? this.#livePeak;
  }
  /** The last run failed but kept its model, weights and history: `resume` continues it. */
  get resumable(): boolean {
    return this.#resumable;
  }
  /** The last run finished and the worker kept where it ended: `trainMore` trains it further. */
  get continuable(): boolean {
    return this.#continuable;
  }
  /** Live tensors in the worker before and after the last run (equal unless something leaked). */
  get tensors(): { before: number; after: number } | null {
    return this.#tensors;
  }
  /** The patch the current run was resumed with, and the epochs it had done then; null for a fresh run. */
  get resumedWith(): SettingsPatch | null {
    return this.#resumedWith;
  }
  get resumedAtEpoch(): number {
    return this.#resumedAtEpoch;
  }
  /**
   * The patch that would resume the interrupted run so that it trains `spec`, or null when there is no such
   * run or `spec` differs from it in something a patch cannot change (then only Train can run it).
   */
  resumePatchFor(spec: ExperimentSpec): SettingsPatch | null {
    if (!this.#resumable || !this.#runSpec || this.busy) return null;
    return patchBetween(this.#runSpec, spec);
  }
  /** As `resumePatchFor`, for the finished run the worker kept (`continuable`): what `trainMore` may carry. */
  continuePatchFor(spec: ExperimentSpec): SettingsPatch | null {
    if (!this.#continuable || !this.#runSpec || this.busy) return null;
    return patchBetween(this.#runSpec, spec);
  }

  get busy(): boolean {
    return this.#status === 'starting' || this.#status === 'training';
  }
  /** Fraction of the run done, 0..1, counting steps inside the current epoch. */
  get progress(): number {
    if (this.#epochs === 0) return 0;
    const live = this.busy || this.#status === 'paused';
    const inEpoch = this.#stepsPerEpoch > 0 && live ? this.#step / this.#stepsPerEpoch : 0;
    return Math.min(1, (this.#epoch + Math.min(inEpoch, 1)) / this.#epochs);
  }

  /** Takes part in a shared device: runs are admitted, measured and released through `seat`. */
  attachDevice(seat: DeviceSeat | null): void {
    this.#device = seat;
  }

  /** The device's limit for this client's runs (kept for each new worker): its budget becomes min(own, limit). */
  setDeviceLimit(bytes: number | null): void {
    this.#deviceLimit = bytes;
    void this.#handle?.api.setDeviceLimit(bytes);
  }

  /** Starts the worker (if needed) and asks it which backend runs; a new choice asks again. */
  init(preference: BackendChoice): Promise<BackendReport> {
    const changed = preference !== this.#preference;
    this.#preference = preference;
    const handle = this.#ensureWorker();
    if (!handle.backend || changed) {
      handle.backend = Promise.race([handle.api.init(preference), handle.crashed]).then((report) => {
        if (this.#handle === handle) this.#backend = report;
        this.#crashStreak = 0;
        return report;
      });
      // A failed init is reported by the caller that awaits it; keep the cached promise from leaking a rejection.
      handle.backend.catch(() => undefined);
    }
    return handle.backend;
  }

  /** Runs one experiment. Resolves when it ends, however it ends; failures land in `failure`. */
  async train(spec: ExperimentSpec, limits?: RunLimits): Promise<TrainOutcome | null> {
    if (this.busy) return null;
    this.#reset(spec.fit.epochs);
    // Structured clone takes plain data only: a JSON round trip drops Svelte proxies and anything odd.
    const plain = JSON.parse(JSON.stringify(spec)) as ExperimentSpec;
    // A refused start never reaches the worker: a run parked there stays resumable.
    if (this.#refusedByDevice(plain)) return null;
    this.#runSpec = plain;
    return this.#run(plain.backend, (api, onEvent) => api.train(plain, onEvent, limits));
  }

  /**
   * Continues the interrupted run with `patch` applied: same weights, optimizer state and history. The
   * history so far stays; new epochs are appended to it.
   */
  async resume(patch: SettingsPatch, limits?: RunLimits): Promise<TrainOutcome | null> {
    if (!this.#resumable) return null;
    return this.#continueRun(patch, (api, plain, onEvent) => api.resume(plain, onEvent, limits));
  }

  /**
   * Trains the finished run further with `patch` (its `epochs`: the new total): Keras's `fit` called again on
   * the same model. The history so far stays and the new epochs are appended; the device admits the run again,
   * since a finished run gave its memory back.
   */
  async trainMore(patch: SettingsPatch, limits?: RunLimits): Promise<TrainOutcome | null> {
    if (!this.#continuable) return null;
    return this.#continueRun(patch, (api, plain, onEvent) => api.trainMore(plain, onEvent, limits));
  }

  /**
   * Goes on with the run's own spec under `patch`, keeping the history (new epochs are appended). The patch may
   * change the budget or the allocation mode, and a finished run gave its memory back: the device admits it again.
   */
  #continueRun(
    patch: SettingsPatch,
    call: (
      api: Comlink.Remote<TrainerApi>,
      plain: SettingsPatch,
      onEvent: (event: TrainEvent) => void,
    ) => Promise<TrainOutcome>,
  ): Promise<TrainOutcome | null> {
    if (this.busy || !this.#runSpec) return Promise.resolve(null);
    const plain = JSON.parse(JSON.stringify(patch)) as SettingsPatch;
    const next = applyPatch(this.#runSpec, plain);
    if (this.#refusedByDevice(next)) return Promise.resolve(null);
    this.#runSpec = next;
    this.#failure = null;
    this.#resumedWith = plain;
    this.#resumedAtEpoch = this.#history.length;
    return this.#run(next.backend, (api, onEvent) => call(api, plain, onEvent));
  }

  /** Forgets the interrupted run (or the finished one kept for more epochs) and lets the worker release it. */
  discard(): void {
    if (this.busy || !(this.#resumable || this.#continuable)) return;
    this.#continuable = false;
    this.#resumable = false;
    this.#runSpec = null;
    void this.#handle?.api.discard();
    this.#device?.release();
  }

  /** Asks the shared device for room; a refusal becomes this client's failure. */
  #refusedByDevice(spec: ExperimentSpec): boolean {
    const refusal = this.#device?.admit(spec);
    if (!refusal) return false;
    this.#failure = refusal;
    this.#status = 'failed';
    return true;
  }

  async #run(
    backend: BackendChoice,
    call: (api: Comlink.Remote<TrainerApi>, onEvent: (event: TrainEvent) => void) => Promise<TrainOutcome>,
  ): Promise<TrainOutcome | null> {
    this.#status = 'starting';
    this.#resumable = false;
    this.#continuable = false;
    this.#measuredPeak = null;
    this.#tensors = null;
    // The worker releases its remote end of this callback when the call returns; this side can only make the
    // callback inert, so a late event from this run never lands in the next one.
    let live = true;
    const run = this.events.begin();
    const onEvent = Comlink.proxy((event: TrainEvent) => {
      if (live) this.#onEvent(event);
      else this.events.takeLate(event, run);
    });
    try {
      await this.init(backend);
      const handle = this.#ensureWorker();
      if (this.#device && this.#deviceLimit !== null) void handle.api.setDeviceLimit(this.#deviceLimit);
      const outcome = await Promise.race([call(handle.api, onEvent), handle.crashed]);
      this.#finish(outcome);
      return outcome;
    } catch (error) {
      this.#fail(error);
      return null;
    } finally {
      live = false;
    }
  }

  /** The worker's API (started if needed), for the modules beside this one (checkpoints.svelte.ts). */
  get api(): Comlink.Remote<TrainerApi> {
    return this.#ensureWorker().api;
  }

  /**
   * The worker parked a session restored from a checkpoint (a new one, or the run's own gone back to it): it
   * stands paused at the start of the epoch after the checkpoint's, with its history, and Resume continues it
   * as `spec` (Keras's `fit(initial_epoch=epoch)`). It holds its weights and data on the device from now, so
   * the shared device admits it now; a refusal discards it in the worker and is returned (and shown as this
   * client's failure). A checkpoint of the run's last epoch leaves nothing to train: the run is finished, and
   * its session is let go at once.
   */
  adoptRestored(restored: RestoredRun): TrainFailure | null {
    const marks = restored.into === 'parked' ? this.events.callbacks : [];
    this.#reset(restored.spec.fit.epochs);
    // The worker let go of a finished run it kept for more epochs: the restored run is the page's run now.
    this.#continuable = false;
    this.events.keepUpTo(restored.epoch, marks);
    this.#history = restored.history;
    this.#epoch = restored.history.length;
    const last = restored.history.at(-1)?.loss;
    this.#lastLoss = last !== undefined && Number.isFinite(last) ? last : null;
    this.#stepsPerEpoch = restored.paused.stepsPerEpoch;
    const finished = restored.epoch >= restored.spec.fit.epochs;
    if (finished || this.#refusedByDevice(restored.spec)) {
      [this.#resumable, this.#runSpec] = [false, null];
      void this.#handle?.api.discard();
      this.#device?.release();
      if (!finished) return this.#failure;
      this.#status = 'finished';
      return null;
    }
    this.#device?.report(restored.residentBytes);
    [this.#runSpec, this.#resumable, this.#status] = [restored.spec, true, 'paused'];
    this.control.parkedAt(restored.paused);
    return null;
  }

  /** Asks the running experiment to stop after its current step. */
  stop(): void {
    if (!this.busy || !this.#handle) return;
    void this.#handle.api.stop();
  }

  /** Ends the worker for good (page teardown, tests). */
  dispose(): void {
    this.#device?.release();
    this.#handle?.api[Comlink.releaseProxy]();
    this.#handle?.worker.terminate();
    this.#handle = null;
  }

  #reset(epochs: number): void {
    this.#epoch = 0;
    this.#epochs = epochs;
    this.#step = 0;
    this.#stepsPerEpoch = 0;
    this.#history = [];
    this.#lastLoss = null;
    this.#failure = null;
    this.#estimate = null;
    this.#memory = null;
    this.#livePeak = null;
    this.#resumedWith = null;
    this.#resumedAtEpoch = 0;
    this.events.reset();
    this.control.reset();
  }

  #onEvent(event: TrainEvent): void {
    switch (event.type) {
      case 'started':
        this.control.started(event);
        this.#status = 'training';
        this.#epochs = event.epochs;
        this.#stepsPerEpoch = event.stepsPerEpoch;
        if (this.#backend && this.#backend.backend !== event.backend) {
          this.#backend = { ...this.#backend, backend: event.backend };
        }
        break;
      case 'backend':
        this.#backend = event.report;
        break;
      case 'progress':
        this.control.progress(event);
        this.#status = 'training';
        this.#step = event.step;
        this.#stepsPerEpoch = event.stepsPerEpoch;
        if (event.loss !== null && Number.isFinite(event.loss)) this.#lastLoss = event.loss;
        break;
      case 'epoch':
        this.#status = 'training';
        this.#history = [...this.#history, event.logs];
        this.#epoch = this.#history.length;
        this.#step = 0;
        this.#lastLoss = event.logs.loss;
        break;
      case 'estimate':
        this.#estimate = event.estimate;
        this.#livePeak = null;
        break;
      case 'memory':
        this.#memory = event.memory;
        this.#livePeak = Math.max(this.#livePeak ?? 0, event.memory.stepPeakBytes);
        this.#device?.report(event.memory.liveBytes);
        break;
      case 'callback':
      case 'notice':
        this.events.take(event);
        break;
    }
  }

  #finish(outcome: TrainOutcome): void {
    if (outcome.history.length >= this.#history.length) this.#history = outcome.history;
    this.#epoch = this.#history.length;
    const last = this.#history.at(-1);
    if (last) this.#lastLoss = last.loss;
    this.#resumable = outcome.resumable === true;
    this.#continuable = outcome.continuable === true;
    this.events.finish(outcome);
    this.control.finish(outcome);
    if (outcome.paused) this.#step = outcome.paused.step;
    if (!this.#resumable && !this.#continuable) this.#runSpec = null;
    // A parked run keeps its tensors, so it keeps its memory on the device until it resumes or is discarded.
    if (!this.#resumable) this.#device?.release();
    this.#tensors = { before: outcome.tensorsBefore, after: outcome.tensorsAfter };
    if (outcome.memory?.estimate) this.#estimate = outcome.memory.estimate;
    this.#measuredPeak = outcome.memory?.measuredPeakBytes ?? null;
    if (outcome.status === 'failed') {
      this.#failure = outcome.failure ?? {
        kind: 'internal',
        message: 'Training failed without saying why.',
        hints: [],
      };
    }
    this.#status = outcome.status;
  }

  #fail(error: unknown): void {
    this.control.finish(null);
    this.#resumable = false;
    this.#continuable = false;
    this.#runSpec = null;
    this.#device?.release();
    this.#failure = runFailure(error);
    this.#status = 'failed';
  }

  #ensureWorker(): WorkerHandle {
    if (this.#handle) return this.#handle;
    const handle = startWorker(this.#factory, (message) => {
      if (this.#handle !== handle) return;
      this.#handle = null;
      this.#backend = null;
      // A parked run (or a finished one kept for more epochs) lived in that worker.
      this.#resumable = false;
      this.#continuable = false;
      this.#runSpec = null;
      this.#crashes += 1;
      this.#crashStreak += 1;
      if (!this.busy) {
        this.#device?.release();
        this.#failure = crashFailure(message);
        this.#status = 'failed';
      }
      // Start the replacement now so the backend badge stays truthful; the next train() retries regardless.
      if (this.#crashStreak < 3) void this.init(this.#preference).catch(() => undefined);
    });
    this.#handle = handle;
    return handle;
  }
}
