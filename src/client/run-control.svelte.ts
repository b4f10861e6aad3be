import type * as Comlink from 'comlink';
import type { ExperimentSpec } from '../experiment/spec';
import type {
  PausePoint,
  RunLimits,
  SettingsPatch,
  TrainerApi,
  TrainEvent,
  TrainOutcome,
} from '../experiment/protocol';
import type { TrainerStatus } from './trainer-client.svelte';
import { createStepClock, estimateEta, globalStep, type Eta, type RunPosition, type StepClock } from './eta';

/** What run control asks of the client (TrainerClient implements it). */
export interface ControlledClient {
  readonly status: TrainerStatus;
  readonly busy: boolean;
  readonly resumable: boolean;
  readonly continuable: boolean;
  /** The epochs the run has done, and its planned total (the paused run's `fit.epochs`). */
  readonly epoch: number;
  readonly epochs: number;
  train(spec: ExperimentSpec, limits?: RunLimits): Promise<TrainOutcome | null>;
  resume(patch: SettingsPatch, limits?: RunLimits): Promise<TrainOutcome | null>;
  trainMore(patch: SettingsPatch, limits?: RunLimits): Promise<TrainOutcome | null>;
  resumePatchFor(spec: ExperimentSpec): SettingsPatch | null;
  continuePatchFor(spec: ExperimentSpec): SettingsPatch | null;
  stop(): void;
}

/** The client's private ends run control needs: its worker's API, and where an outcome is recorded. */
export interface ClientPort {
  api(): Comlink.Remote<TrainerApi> | null;
  finish(outcome: TrainOutcome): void;
}

/** The ETA is re-rendered at most 20 times a second, however the progress events bunch up. */
const ETA_INTERVAL_MS = 50;

/**
 * Pause, Resume, Single step and Stop as intents over the trainer client, and the run's speed and time left.
 * The worker parks a paused run like one that failed resumably; `resume` continues it with the same order,
 * sums, history and random streams, so its losses are those of an uninterrupted run.
 */
export class RunControl {
  #paused = $state.raw<PausePoint | null>(null);
  #pausing = $state(false);
  #ending = $state(false);
  #eta = $state.raw<Eta | null>(null);
  #timing = $state(false);
  #clock: StepClock = createStepClock();
  #run: Omit<RunPosition, 'epoch' | 'step'> | null = null;
  #shownAt = -Infinity;

  constructor(
    private readonly client: ControlledClient,
    private readonly port: ClientPort,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Where the paused run stands (and, after a single step, that batch's loss); null unless paused. */
  get paused(): PausePoint | null {
    return this.#paused;
  }
  /** Pause was asked and the run has not reached its next step boundary yet. */
  get pausing(): boolean {
    return this.#pausing;
  }
  /** Samples/s and time left, or null while estimating (see `estimating`) or when nothing runs. */
  get eta(): Eta | null {
    return this.#eta;
  }
  /** A run is training but its step time is not known yet: say "estimating…". */
  get estimating(): boolean {
    return this.#timing && this.#eta === null;
  }

  get canPause(): boolean {
    return this.client.busy && !this.#pausing;
  }
  get canResume(): boolean {
    return this.client.status === 'paused' && this.client.resumable && !this.#ending;
  }
  /** From a paused run, or a fresh start (Train, one step, pause). */
  get canStep(): boolean {
    return this.canResume || (!this.client.busy && !this.#ending);
  }
  /** "Train N more epochs": a paused run (its total is raised) or a finished one the worker kept. */
  get canTrainMore(): boolean {
    return this.canResume || (this.client.status === 'finished' && this.client.continuable);
  }
  get canStop(): boolean {
    return this.client.busy || this.canResume;
  }

  pause(): void {
    if (!this.canPause) return;
    this.#pausing = true;
    void this.port.api()?.pause();
  }

  /**
   * Continues the paused run. Settings a patch can carry (batch size, memory) are taken from `spec`; anything
   * else is the paused run's own (Train starts afresh with the edited experiment).
   */
  resume(spec: ExperimentSpec): Promise<TrainOutcome | null> {
    if (!this.canResume) return Promise.resolve(null);
    return this.client.resume(this.client.resumePatchFor(spec) ?? {});
  }

  /**
   * Adds `extra` epochs to the run, as Keras's `fit(initial_epoch=done, epochs=done + extra)` on the same model:
   * a paused run resumes with its total raised by `extra`, a finished one trains `extra` epochs after its last.
   * Settings a patch can carry are taken from `spec`, as Resume takes them.
   */
  trainMore(extra: number, spec: ExperimentSpec): Promise<TrainOutcome | null> {
    if (!this.canTrainMore || !Number.isInteger(extra) || extra < 1) return Promise.resolve(null);
    // The editor's epochs field is for the next Train; the run's own total is what grows here.
    const asRun = { ...spec, fit: { ...spec.fit, epochs: this.client.epochs } };
    if (this.canResume) {
      const patch = this.client.resumePatchFor(asRun) ?? {};
      return this.client.resume({ ...patch, epochs: this.client.epochs + extra });
    }
    const patch = this.client.continuePatchFor(asRun) ?? {};
    return this.client.trainMore({ ...patch, epochs: this.client.epoch + extra });
  }

  /** Trains exactly one batch and pauses. */
  step(spec: ExperimentSpec): Promise<TrainOutcome | null> {
    if (this.canResume) return this.client.resume(this.client.resumePatchFor(spec) ?? {}, { steps: 1 });
    if (!this.canStep) return Promise.resolve(null);
    return this.client.train(spec, { steps: 1 });
  }

  /** Stops a running run after its step, or ends a paused one: its history stays, its tensors are released. */
  async stop(): Promise<void> {
    if (!this.canResume) return this.client.stop();
    const api = this.port.api();
    if (!api) return;
    this.#ending = true;
    try {
      const outcome = await api.endParked();
      if (outcome) this.port.finish(outcome);
    } finally {
      this.#ending = false;
    }
  }

  /** A run (train or resume) began: a fresh clock, since the paused time must not count. */
  started(event: Extract<TrainEvent, { type: 'started' }>): void {
    this.#run = { epochs: event.epochs, stepsPerEpoch: event.stepsPerEpoch, samples: event.samples };
    this.#clock = createStepClock();
    this.#paused = null;
    this.#eta = null;
    this.#timing = true;
    this.#shownAt = -Infinity;
  }

  progress(event: Extract<TrainEvent, { type: 'progress' }>): void {
    if (!this.#run) return;
    const t = this.now();
    const at = { ...this.#run, epoch: event.epoch, step: event.step, stepsPerEpoch: event.stepsPerEpoch };
    this.#clock.observe(globalStep(at), t);
    if (t - this.#shownAt < ETA_INTERVAL_MS) return;
    this.#shownAt = t;
    this.#eta = estimateEta(this.#clock.msPerStep(), at);
  }

  /** The run ended (`outcome` null: it crashed or never reached the worker). */
  finish(outcome: TrainOutcome | null): void {
    this.#pausing = false;
    this.#timing = false;
    this.#eta = null;
    this.#paused = outcome?.status === 'paused' ? (outcome.paused ?? null) : null;
  }

  /** A run parked by something other than a pause (a restored checkpoint) stands at `at`: Resume continues it. */
  parkedAt(at: PausePoint): void {
    this.reset();
    this.#paused = at;
  }

  reset(): void {
    this.finish(null);
    this.#run = null;
  }
}
