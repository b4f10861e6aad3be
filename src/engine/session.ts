import * as tf from '@tensorflow/tfjs';
import type { BackendName, ExperimentSpec } from '../experiment/spec';
import type {
  EpochLogs,
  MemoryEstimateView,
  PausePoint,
  SettingsPatch,
  TrainEvent,
  TrainFailure,
  TrainOutcome,
} from '../experiment/protocol';
import type { ModelGraph } from '../graph/types';
import type { Dataset } from '../data/types';
import { createRng, deriveSeed } from '../data/random';
import { buildModel } from './build-model';
import { deviceTensors, type DeviceData } from './evaluate';
import { EngineFailure, toFailure } from './failures';
import { createObjective, type StepObjective } from './objective';
import type { KerasOptimizer } from './compile/keras-optimizer';
import { trainingProblems } from './compile/resolve';
import { MemoryCheckpointStore, type Checkpoint, type CheckpointStore } from './callbacks/checkpoint-store';
import { assertCheckpointFits, readCheckpoint, restoreCheckpoint } from './callbacks/tfjs-handle';
import { lossActivationFindings, optimizerFor, RunCallbacks } from './run-callbacks';
import { withSeededMathRandom } from './seeded-random';
import { assertEpochsAllowed } from './more-epochs';
import { memoryStepHooks, patchedSpec, probeSession, uploadDataset } from './session-parts';
import { createLoopState, trainLoop, type LoopState } from './train-loop';
import { loopControl, pausePoint, runStats, sessionRngs, type RunControlOptions } from './run-control';
import { MemoryTracker } from './memory/tracker';
import { ResourceExhaustedError } from './memory/oom-error';
import { PROBE_BATCH_SIZES } from './memory/probe';
import { estimateAt, largestBatchThatFits, predictOom, type MemoryModel } from './memory/estimate';
import { oomFailure } from './memory/report';
import { restoreWeights } from './device/checkpoint';
import { DeviceFailure } from './device/device-failure';
import type { DeviceGuard } from './device/guard';
import { refuseResident, refuseStep, residentTensors } from './device/limit-check';
import { createStepGuard, deviceGeneration, deviceLimits } from './device/webgpu';

export type ModelBuilder = (graph: ModelGraph) => tf.LayersModel;

export interface SessionOptions {
  /** Makes the guard for each run (tests inject a fake one); defaults to WebGPU error scopes, null elsewhere. */
  guard?: () => DeviceGuard | null;
  /** Where ModelCheckpoint saves (the worker passes IndexedDB); defaults to memory. */
  checkpointStore?: CheckpointStore;
  /** The run's id in that store; defaults to a fresh UUID, unique across reloads. */
  runId?: string;
}

/** Where `loadCheckpoint` left the session: its history, and the bytes it holds on the device. */
export interface RestoredPosition {
  history: EpochLogs[];
  /** False for a checkpoint saved before Kiln kept histories: its epochs' logs are unknown (NaN). */
  historySaved: boolean;
  /** Where a resume starts: step 0 of the epoch after the checkpoint's. */
  paused: PausePoint;
  residentBytes: number;
}

/**
 * The history a checkpoint of epoch k brings back: its own k epochs, or, for one saved before Kiln kept them,
 * k epochs whose logs are unknown (`loss: NaN`; the chart leaves a gap and the table shows "—"), so that
 * history[i] is still epoch i + 1 everywhere.
 */
export function restoredHistory(checkpoint: Pick<Checkpoint, 'epoch' | 'history'>): {
  history: EpochLogs[];
  saved: boolean;
} {
  const known = (checkpoint.history ?? []).slice(0, checkpoint.epoch).map((logs) => ({ ...logs }));
  const unknown = Array.from({ length: checkpoint.epoch - known.length }, () => ({ loss: Number.NaN }));
  return { history: [...known, ...unknown], saved: unknown.length === 0 };
}

/** The notice of a run that has no epoch left: it ran `done` of its `epochs` already. */
export function nothingLeftNotice(done: number, epochs: number): Extract<TrainEvent, { type: 'notice' }> {
  return {
    type: 'notice',
    level: 'warning',
    message:
      `Nothing left to train: the run was restored at the end of epoch ${done} and fit.epochs is ${epochs}, ` +
      `so no epoch remains (Keras's fit(initial_epoch=${done}, epochs=${epochs}) trains none either).`,
    hint: 'Restore an earlier checkpoint to train on from it, or press Train for a new run.',
  };
}

/** A checkpoint's weights in `model.weights` order, as the loop's CPU copy holds them. */
function loopWeights(checkpoint: Checkpoint, model: tf.LayersModel): Float32Array[] {
  const byName = new Map(checkpoint.weights.map((w) => [w.name, w.data]));
  return model.weights.map((w) => Float32Array.from(byName.get(w.originalName) ?? []));
}

/** A run's outcome before the worker adds its tensor counts. */
export type SessionOutcome = Omit<TrainOutcome, 'tensorsBefore' | 'tensorsAfter'>;

const MB = 1024 * 1024;

/**
 * One experiment's run, kept alive across failures: the model, its weights, the optimizer state, the data on
 * the device, the loop position and the history. A run that fails with out of memory (at an allocation, or
 * refused by the pre-flight estimate) keeps all of it, and `run` after `apply(patch)` continues from the last
 * good step without rebuilding or reloading anything.
 */
export class TrainingSession {
  private readonly tracker: MemoryTracker;
  private readonly model: tf.LayersModel;
  private optimizer: KerasOptimizer;
  /** ModelCheckpoint's saves (IndexedDB in the worker, memory by default), under `runId`. */
  readonly checkpoints: CheckpointStore;
  readonly runId: string;
  private readonly callbacks: RunCallbacks | null;
  /** Loss ↔ activation warnings, shown once at the start of the first run. */
  private notices: TrainEvent[] = [];
  private trainData: DeviceData;
  private validationData: DeviceData | null;
  private readonly state: LoopState;
  /** What each step minimises and what each epoch logs (objective.ts). */
  private readonly objective: StepObjective;
  /** Continued, not replayed, by a resumed run (run-control.ts). */
  private rngs: ReturnType<typeof sessionRngs>;
  private memoryModel: MemoryModel | null = null;
  private estimate: MemoryEstimateView | null = null;
  private measuredPeak: number | null = null;
  private deviceLimit: number | null = null;
  private loopSeconds = 0;
  private disposed = false;
  /**
   * The last run ended (finished or stopped; on_train_end ran): the next run is a new `fit` call, so the
   * callbacks begin again (on_train_begin: EarlyStopping's wait and best, ReduceLROnPlateau's counters).
   */
  private fitEnded = false;
  /** The WebGPU device the session's tensors live on; a newer one means they were lost with the old. */
  private generation = deviceGeneration();
  /** The last run failed on the GPU: its weights since the checkpoint cannot be trusted. */
  private needsRestore = false;
  private readonly makeGuard: () => DeviceGuard | null;

  private constructor(
    private spec: ExperimentSpec,
    private readonly dataset: Dataset,
    build: ModelBuilder,
    options: SessionOptions,
  ) {
    this.makeGuard = options.guard ?? createStepGuard;
    this.checkpoints = options.checkpointStore ?? new MemoryCheckpointStore();
    this.runId = options.runId ?? crypto.randomUUID();
    this.tracker = new MemoryTracker(this.budgetBytes());
    this.tracker.install();
    const owned: tf.Tensor[] = [];
    let model: tf.LayersModel | null = null;
    try {
      const problems = trainingProblems(spec);
      if (problems.length > 0) {
        throw new EngineFailure('spec', 'These compile or fit settings cannot train.', problems);
      }
      model = withSeededMathRandom(createRng(deriveSeed(spec.seed, 'init')), () => build(spec.graph));
      for (const finding of lossActivationFindings(model, spec)) {
        if (finding.severity === 'error')
          throw new EngineFailure('spec', finding.message, [finding.suggestion]);
        const { message, suggestion: hint } = finding;
        this.notices.push({ type: 'notice', level: 'warning', message, hint });
      }
      this.tracker.instrumentModel(model);
      this.objective = createObjective(model, spec, dataset);
      [this.trainData, this.validationData] = this.upload(owned);
      this.optimizer = optimizerFor(spec);
      this.state = createLoopState(this.objective.size);
      this.tracker.categorize(this.state.sums, 'other');
      this.rngs = sessionRngs(spec.seed);
      this.model = model;
      this.callbacks = RunCallbacks.fromSpec(
        spec,
        model,
        () => this.optimizer,
        this.checkpoints,
        this.runId,
        this.objective.directions,
      );
    } catch (error) {
      tf.dispose(owned);
      model?.dispose();
      this.tracker.uninstall();
      throw error;
    }
  }

  /** Builds the model and uploads the data; throws what a failed build or upload threw (see `toFailure`). */
  static create(
    spec: ExperimentSpec,
    dataset: Dataset,
    build: ModelBuilder = buildModel,
    options: SessionOptions = {},
  ): TrainingSession {
    return new TrainingSession(spec, dataset, build, options);
  }

  private upload(owned: tf.Tensor[]): [DeviceData, DeviceData | null] {
    return uploadDataset(this.dataset, this.spec, this.objective, this.tracker, owned);
  }

  get settings(): ExperimentSpec {
    return this.spec;
  }

  /**
   * Changes settings for the rest of the run. A new optimizer starts with fresh state (its slots are gone);
   * changing its name drops `compile.optimizerConfig` (its arguments belong to the old one), keeping its rate.
   * `epochs` sets the run's new total ("train N more epochs"); one below the epochs done or begun is refused
   * (an EngineFailure), changing nothing.
   */
  apply(patch: SettingsPatch): void {
    if (patch.epochs !== undefined) assertEpochsAllowed(patch.epochs, this.state);
    const { spec, optimizerChanged } = patchedSpec(this.spec, patch);
    this.spec = spec;
    if (optimizerChanged) {
      this.optimizer.dispose();
      this.optimizer = optimizerFor(this.spec);
      this.memoryModel = null;
    }
    this.tracker.setBudget(this.budgetBytes());
  }

  setDeviceLimit(bytes: number | null): void {
    this.deviceLimit = bytes;
    this.tracker.setBudget(this.budgetBytes());
  }

  /**
   * Runs from where the session is; resolves with the outcome, never rejects. A paused outcome is resumable:
   * `run` again continues at the same step with the same order, sums, history and random streams.
   */
  async run(
    onEvent: (event: TrainEvent) => void,
    shouldStop: () => boolean,
    control: RunControlOptions = {},
  ): Promise<SessionOutcome> {
    const { fit } = this.spec;
    const stepsPerEpoch = Math.ceil(this.trainData.count / fit.batchSize);
    onEvent({
      type: 'started',
      backend: tf.getBackend() as BackendName,
      epochs: fit.epochs,
      stepsPerEpoch,
      samples: this.trainData.count,
    });
    this.notices.splice(0).forEach(onEvent);
    if (this.fitEnded) {
      // Trained further after it ended: Keras's fit called again on the same model begins its callbacks again.
      this.callbacks?.restart();
      this.fitEnded = false;
    }
    if (this.state.epoch > fit.epochs && this.state.order === null) {
      // Restored from the last epoch's checkpoint: Keras's fit(initial_epoch=N, epochs=N) trains nothing.
      onEvent(nothingLeftNotice(this.state.epoch - 1, fit.epochs));
      return this.outcome('finished', undefined, false);
    }
    try {
      if (this.needsRestore || this.generation !== deviceGeneration()) {
        if (!this.state.checkpoint) {
          return this.outcome(
            'failed',
            toFailure(new Error('AbortError: the GPU device was lost'), 'train'),
            false,
          );
        }
        this.restoreFromCheckpoint();
      }
      const refused = this.preflight(onEvent);
      if (refused) return this.outcome('failed', refused, true);
      const started = performance.now();
      const result = await trainLoop(
        {
          model: this.model,
          optimizer: this.optimizer,
          objective: this.objective,
          train: this.trainData,
          validation: this.validationData,
          fit,
          shuffleRng: this.rngs.shuffle,
          stepRng: this.rngs.step,
          onEvent,
          shouldStop,
          ...loopControl(control, this.state.steps),
          hooks: memoryStepHooks(
            this.tracker,
            () => this.budgetBytes(),
            onEvent,
            (peak) => {
              this.measuredPeak = Math.max(this.measuredPeak ?? 0, peak);
            },
          ),
          guard: this.makeGuard(),
          callbacks: this.callbacks?.forRun(onEvent, () => this.rngs.drawn()),
        },
        this.state,
      ).finally(() => (this.loopSeconds += (performance.now() - started) / 1000));
      if (result.status === 'paused') {
        // Parked at a step boundary; Keras's on_train_end has not run (the run is not over).
        const at = pausePoint(this.state, this.trainData.count, fit.batchSize, result.batchLoss);
        return { ...this.outcome('paused', undefined, true), paused: at };
      }
      // The run is over (a failure above keeps it resumable): Keras's on_train_end, e.g. restore_best_weights.
      this.callbacks?.trainEnd();
      this.fitEnded = true;
      const stop = result.earlyStopped ? this.callbacks?.earlyStopped() : null;
      return this.outcome(result.status, undefined, false, stop);
    } catch (error) {
      if (error instanceof ResourceExhaustedError) {
        return this.outcome('failed', this.describeOom(error), true);
      }
      if (error instanceof DeviceFailure) {
        // Resumable from the last verified copy: `run` restores it (on a new device if this one was lost).
        this.needsRestore = true;
        return this.outcome('failed', error.toFailure(), this.state.checkpoint !== null);
      }
      return this.outcome('failed', toFailure(error, 'train'), false);
    }
  }

  /**
   * Puts the run where a ModelCheckpoint save left it, as Keras's `model.load_weights(…)` followed by
   * `fit(initial_epoch=epoch)`: the saved weights, an optimizer with the saved slots and step count (a fresh one
   * for a weights-only save) and learning rate, the history of epochs 1..epoch, and the position at the start of
   * epoch + 1. The next `run` trains epochs epoch + 1..fit.epochs, beginning with on_train_begin as a new fit
   * call does. Refuses, changing nothing, when the checkpoint does not fit the model (see tfjs-handle.ts).
   * A checkpoint saved before Kiln kept histories restores its epoch with logs it cannot know (see
   * `restoredHistory`). The shuffle and dropout streams go back to where they stood at the save, so on the CPU
   * the run goes on to exactly the losses of the uninterrupted one (older checkpoints: the streams go on).
   */
  async loadCheckpoint(checkpoint: Checkpoint): Promise<RestoredPosition> {
    assertCheckpointFits(checkpoint, this.model);
    // The pre-flight probe trains three steps on the session's optimizer and then replaces it (memory/probe.ts):
    // it measures now, before the restored optimizer state is in place, so that state reaches the first step.
    // (A session still to recover from a GPU failure probes at its next run, which starts a fresh optimizer.)
    const deviceSound = !this.needsRestore && this.generation === deviceGeneration();
    if (this.memoryModel === null && deviceSound && this.trainData.count >= PROBE_BATCH_SIZES[1]) {
      this.memoryModel = this.probe();
    }
    const optimizer = optimizerFor(this.spec);
    try {
      await restoreCheckpoint(checkpoint, this.model, optimizer);
      if (checkpoint.learningRate !== undefined && !optimizer.hasSchedule) {
        optimizer.setLearningRate(checkpoint.learningRate);
      }
    } catch (error) {
      optimizer.dispose();
      throw error;
    }
    this.optimizer.dispose();
    this.optimizer = optimizer;
    const { state } = this;
    const { history, saved } = restoredHistory(checkpoint);
    state.epoch = checkpoint.epoch + 1;
    state.seen = 0;
    state.order = null;
    state.history = history;
    // The epoch orders and dropout masks the uninterrupted run drew next (older checkpoints: the streams go on).
    if (checkpoint.rngDraws) this.rngs = sessionRngs(this.spec.seed, checkpoint.rngDraws);
    // A GPU failure still to be recovered from recovers to these weights and this position.
    state.checkpoint = !deviceSound
      ? {
          epoch: state.epoch,
          seen: 0,
          order: null,
          sums: new Array<number>(this.objective.size).fill(0),
          historyLength: history.length,
          steps: state.steps,
          weights: loopWeights(checkpoint, this.model),
          takenAt: performance.now(),
        }
      : null;
    this.callbacks?.restart();
    return {
      history: [...history],
      historySaved: saved,
      paused: pausePoint(state, this.trainData.count, this.spec.fit.batchSize),
      residentBytes: this.tracker.snapshot().liveBytes,
    };
  }

  /**
   * Where a finished run ended, read back to the CPU as a checkpoint of its last epoch (weights, optimizer slots
   * and step count, learning rate, history, random streams), so the worker can train it further after this
   * session is disposed (more-epochs.ts). Only at an epoch boundary: a paused run is resumed instead.
   */
  async endOfRun(): Promise<Checkpoint> {
    const { state } = this;
    if (state.order !== null) throw new Error('endOfRun: the run stands inside an epoch.');
    const epoch = state.epoch - 1;
    const request = {
      key: `end of run (epoch ${epoch})`,
      epoch,
      monitor: 'loss',
      value: null,
      weightsOnly: false,
    };
    return readCheckpoint(this.runId, request, this.model, this.optimizer, Date.now, {
      history: state.history.map((logs) => ({ ...logs })),
      rngDraws: this.rngs.drawn(),
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.state.sums.dispose();
    tf.dispose([...deviceTensors(this.trainData), ...deviceTensors(this.validationData)]);
    this.optimizer.dispose();
    this.callbacks?.dispose();
    this.model.dispose();
    this.tracker.uninstall();
  }

  private budgetBytes(): number {
    const own = this.spec.memory.budgetMB * MB;
    return this.deviceLimit === null ? own : Math.min(own, this.deviceLimit);
  }

  /**
   * Measures the step before the first one (see memory/probe.ts) and refuses to start when it will not fit,
   * with the same error the allocation would raise. Returns the refusal, or null to go ahead.
   */
  private preflight(onEvent: (event: TrainEvent) => void): TrainFailure | null {
    const batchSize = this.spec.fit.batchSize;
    const limits = deviceLimits();
    const residentRefusal = refuseResident(
      residentTensors(this.model, [this.trainData, this.validationData]),
      limits,
      batchSize,
    );
    if (residentRefusal) return residentRefusal;
    if (this.trainData.count < PROBE_BATCH_SIZES[1]) return null;
    this.memoryModel ??= this.probe();
    const budget = this.budgetBytes();
    const estimate = estimateAt(this.memoryModel, batchSize);
    this.estimate = {
      ...estimate,
      budgetBytes: budget,
      fits: estimate.peakBytes <= budget,
      largestBatchThatFits: largestBatchThatFits(this.memoryModel, budget),
    };
    onEvent({ type: 'estimate', estimate: this.estimate });
    // A device limit is not a budget: `ignoreEstimate` does not override it (the step would compute zeros).
    const limitRefusal = refuseStep(this.memoryModel, batchSize, limits, budget);
    if (limitRefusal) return limitRefusal;
    if (this.estimate.fits || this.spec.memory.ignoreEstimate) return null;
    const predicted = predictOom(this.memoryModel, batchSize, budget);
    if (!predicted) return null;
    const error = new ResourceExhaustedError({
      ...predicted,
      backend: tf.getBackend(),
      budgetBytes: budget,
      phase: 'preflight',
    });
    return this.describeOom(error);
  }

  /**
   * Rebuilds everything the device held from CPU copies after a GPU failure: the data (re-split with the same
   * seed), the weights from the last verified checkpoint, a fresh optimizer (its slots were on the device) and
   * the loop position and running sums of that checkpoint. What is lost: the steps after the checkpoint and
   * the optimizer's slots.
   */
  private restoreFromCheckpoint(): void {
    const checkpoint = this.state.checkpoint!;
    tf.dispose([...deviceTensors(this.trainData), ...deviceTensors(this.validationData)]);
    const owned: tf.Tensor[] = [];
    try {
      [this.trainData, this.validationData] = this.upload(owned);
    } catch (error) {
      tf.dispose(owned);
      throw error;
    }
    restoreWeights(this.model, checkpoint.weights);
    // A rate set by a callback (ReduceLROnPlateau) outlives the optimizer's slots.
    const rate = this.optimizer.hasSchedule ? null : this.optimizer.learningRate;
    this.optimizer.dispose();
    this.optimizer = optimizerFor(this.spec);
    if (rate !== null) this.optimizer.setLearningRate(rate);
    const { state } = this;
    state.sums.dispose();
    state.sums = tf.tidy(() => tf.variable(tf.tensor1d(checkpoint.sums), false));
    this.tracker.categorize(state.sums, 'other');
    state.epoch = checkpoint.epoch;
    state.seen = checkpoint.seen;
    state.order = checkpoint.order;
    state.history.length = checkpoint.historyLength;
    // Steps counted from here on are the ones a later failure would repeat.
    checkpoint.steps = state.steps;
    this.generation = deviceGeneration();
    this.needsRestore = false;
  }

  private probe(): MemoryModel {
    return probeSession({
      spec: this.spec,
      tracker: this.tracker,
      model: this.model,
      objective: this.objective,
      train: this.trainData,
      optimizer: () => this.optimizer,
      resetOptimizer: () => {
        this.optimizer.dispose();
        this.optimizer = optimizerFor(this.spec);
      },
    });
  }

  private describeOom(error: ResourceExhaustedError): TrainFailure {
    return oomFailure(error, {
      memoryModel: this.memoryModel,
      spec: this.spec,
      leaks: this.tracker.snapshot().leaks,
    });
  }

  private outcome(
    status: TrainOutcome['status'],
    failure: TrainFailure | undefined,
    resumable: boolean,
    earlyStopped: SessionOutcome['earlyStopped'] | null = null,
  ): SessionOutcome {
    return {
      status,
      history: [...this.state.history],
      ...(failure ? { failure } : {}),
      stats: runStats(this.state, this.loopSeconds),
      resumable,
      ...(earlyStopped ? { earlyStopped } : {}),
      memory: { estimate: this.estimate, measuredPeakBytes: this.measuredPeak },
    };
  }
}
