import type { BackendChoice, BackendName, ExperimentSpec } from './spec';

/**
 * The trainer's API as the worker exposes it through comlink. Both sides import this module, so the API is
 * the protocol: there is no message type that the code posting it can ignore.
 */
export interface TrainerApi {
  /** Picks a backend (the preference first, then the fallbacks) and says which one runs and why. */
  init(preference: BackendChoice, options?: InitOptions): Promise<BackendReport>;
  /**
   * Runs one experiment to the end. Progress arrives through `onEvent` (a comlink proxy); the promise resolves
   * with the outcome and never rejects for a failure a user can cause: that comes back as `failure`.
   */
  train(
    spec: ExperimentSpec,
    onEvent: (event: TrainEvent) => void,
    limits?: RunLimits,
  ): Promise<TrainOutcome>;
  /** Asks the running experiment to stop after the current step. */
  stop(): void;
  /** Asks the running experiment to pause at the next step boundary: it ends `paused` and stays resumable. */
  pause(): void;
  /**
   * Ends a parked run (paused, or failed resumably) as stopped: its history is kept in the outcome, its
   * tensors are released (the outcome's counts prove it); null when nothing is parked or a run is busy.
   */
  endParked(): TrainOutcome | null;
  /**
   * Continues a run that paused or failed with `resumable: true` (out of memory, refused by the pre-flight
   * estimate) with `patch` applied: same model, same weights, same optimizer state and history, no rebuild or reload.
   */
  resume(
    patch: SettingsPatch,
    onEvent: (event: TrainEvent) => void,
    limits?: RunLimits,
  ): Promise<TrainOutcome>;
  /**
   * Trains the last finished run (outcome `continuable: true`) further, as Keras's
   * `fit(initial_epoch=done, epochs=patch.epochs)` on the same model: its weights, optimizer state, learning
   * rate, history and random streams, with `patch` applied (`epochs`: the new total, more than it has done).
   * The callbacks begin again (on_train_begin). Never rejects; a refusal comes back as `failure`.
   */
  trainMore(
    patch: SettingsPatch,
    onEvent: (event: TrainEvent) => void,
    limits?: RunLimits,
  ): Promise<TrainOutcome>;
  /** Forgets a resumable run (or a finished one kept for more epochs) and releases what it holds. */
  discard(): void;
  /**
   * The device's free memory as the shared-device ledger sees it: the run's effective budget becomes the
   * smaller of its own budget and this (null lifts the limit).
   */
  setDeviceLimit(bytes: number | null): void;
  /**
   * Registers the listener for GPU trouble that happens while no run is training (a device lost between runs,
   * an uncaptured error after a run ended): a Worker's GPU errors never reach the page console, so this and a
   * run's outcome are the only way the user learns of them. One listener; a new call replaces it.
   */
  watchDevice(listener: (event: DeviceEvent) => void): void;
  /**
   * Test hook: destroys the WebGPU device as a driver reset would. Does nothing (resolves false) unless the
   * worker was initialised with `{ debug: true }` on the webgpu backend; Kiln recovers from it like from a
   * real loss.
   */
  debugLoseDevice(): Promise<boolean>;
  /** Every kept checkpoint (IndexedDB: all runs and experiments, across reloads), newest first. */
  listCheckpoints(): Promise<CheckpointView[]>;
  deleteCheckpoint(runId: string, key: string): Promise<void>;
  /**
   * Loads a checkpoint's weights (and optimizer slots, unless saved weights-only) into the parked session of
   * its run; with no such session (after a reload, or the run was disposed) it builds one from the run's
   * stored spec, loads the checkpoint and parks it. The parked run stands after the checkpoint's epoch with
   * its history, so Resume continues at the next epoch. Never rejects.
   */
  restoreCheckpoint(runId: string, key: string): Promise<RestoreResult>;
}

/** A kept ModelCheckpoint save, as the Checkpoints panel lists it. `savedAt` is in ms since the epoch. */
export interface CheckpointView {
  /** The run it belongs to, so one store can hold several experiments. */
  runId: string;
  experiment: string;
  /** The formatted filepath; saving under an existing key replaces that checkpoint (Keras overwrites). */
  key: string;
  epoch: number;
  monitor: string;
  value: number | null;
  weightsOnly: boolean;
  savedAt: number;
  bytes: number;
}

/**
 * A restored checkpoint: `parked` when it went into the run's own parked session, `new` when a session was
 * built from `spec` for it. Either way the run now stands at the start of epoch `epoch + 1` with `history`
 * (epochs 1..epoch) and trains up to `spec.fit.epochs`, as Keras's `fit(initial_epoch=epoch)`.
 */
export type RestoreResult =
  | {
      ok: true;
      into: 'parked' | 'new';
      spec: ExperimentSpec;
      key: string;
      epoch: number;
      history: EpochLogs[];
      /** False for a checkpoint saved before Kiln kept histories: `history`'s logs are unknown (loss NaN). */
      historySaved: boolean;
      /** Where Resume starts: step 0 of epoch `epoch + 1` (past `spec.fit.epochs` when nothing is left). */
      paused: PausePoint;
      /** What the restored session holds on the device (weights, optimizer state, data), for the ledger. */
      residentBytes: number;
    }
  | { ok: false; failure: TrainFailure };

export interface InitOptions {
  /**
   * Asks WebGPU for a device with these limits instead of the adapter's largest (tfjs's choice). WebGPU never
   * grants less than the spec defaults (256 MiB buffers, 128 MiB bindings): a smaller request gets those.
   */
  deviceLimits?: Partial<DeviceLimitsView>;
  /** Enables the test hooks (`debugLoseDevice`). */
  debug?: boolean;
}

/** The WebGPU limits a tensor must stay under: larger ones fail to allocate, or bind as zeros without an error. */
export interface DeviceLimitsView {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** GPU trouble outside a run; `recovered` says the worker already made a fresh device for the next run. */
export interface DeviceEvent {
  type: 'device';
  failure: TrainFailure;
  recovered: boolean;
}

export interface BackendReport {
  backend: BackendName;
  /**
   * Why this is not the preferred backend (empty when it is), and why it runs below its best when it does (WASM
   * on one thread). Shown to the user: fallback is never silent.
   */
  fallbackReason: string;
  /** What the adapter said about itself, e.g. "google swiftshader". */
  adapter: string;
  /** The device's limits when the backend is webgpu (what the pre-flight limit check compares against). */
  limits?: DeviceLimitsView;
  /** What the user asked for; `auto` measures at the next Train and fills in `auto`. */
  choice?: BackendChoice;
  /** The auto pick's measurements, when `choice` is `auto` and a run has measured this model. */
  auto?: AutoPickView;
}

/** One backend's turn in the auto pick: a measured training step of the model, or why it was skipped. */
export type BackendTrialView =
  | {
      backend: BackendName;
      status: 'measured';
      /** Median step time over `steps` timed steps (after one warm-up step). */
      stepMs: number;
      steps: number;
      samplesPerSecond: number;
      /** Wall time of this backend's turn: start-up, warm-up step (shader compiles) and timed steps. */
      seconds: number;
    }
  | {
      backend: BackendName;
      status: 'skipped';
      seconds: number;
      reason: string;
      /** Kernels the step needs that this backend does not register (e.g. Conv2DBackpropFilter on wasm). */
      missingKernels?: string[];
    };

/** The auto pick: every backend's trial, the one picked and why. */
export interface AutoPickView {
  trials: BackendTrialView[];
  picked: BackendName;
  reason: string;
  batchSize: number;
  /** Wall time the measuring took, start-up of the backends included. */
  seconds: number;
}

/**
 * One epoch's logs under Keras's keys: `loss`, each compiled metric (`accuracy`, `precision`, `mae`…; with
 * several outputs `<output>_<metric>`), `<output>_loss` when several outputs have losses, and the `val_`
 * version of each on epochs that validated (Keras's validation_freq).
 */
export interface EpochLogs {
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  /** The rate the epoch trained with, recorded when a callback manages it (ReduceLROnPlateau, LearningRateScheduler). */
  learning_rate?: number;
  [key: string]: number | undefined;
}

export type CallbackName =
  'EarlyStopping' | 'ModelCheckpoint' | 'ReduceLROnPlateau' | 'TerminateOnNaN' | 'LearningRateScheduler';

/**
 * What a Keras callback did, as plain data (the same shapes as src/engine/callbacks/types.ts), for marks on the
 * loss chart. Epochs count from 1.
 */
export type CallbackEventView =
  /** Training stops after this epoch (or, for TerminateOnNaN, after this batch's epoch). */
  | { type: 'stop'; callback: CallbackName; epoch: number; batch?: number; reason: string }
  | { type: 'lr-change'; callback: CallbackName; epoch: number; oldLr: number; newLr: number }
  /** A checkpoint was saved (in the session's checkpoint store: IndexedDB in the worker) under `key`. */
  | {
      type: 'checkpoint';
      callback: 'ModelCheckpoint';
      epoch: number;
      key: string;
      monitor: string;
      value: number | null;
      weightsOnly: boolean;
    }
  /** At the end of training the weights were set back to those at the end of `bestEpoch`. */
  | {
      type: 'restore-best-weights';
      callback: 'EarlyStopping';
      epoch: number;
      bestEpoch: number;
      value: number;
    }
  /** The monitored key is missing from the logs (Keras warns and does nothing). */
  | { type: 'warning'; callback: CallbackName; epoch: number; message: string };

/**
 * `epoch` counts from 1; `step` is the number of steps done in that epoch (1..stepsPerEpoch). A progress
 * event's `loss` is the epoch's running mean at the latest readback not yet reported, or null when no
 * readback happened since the last event (readbacks are every `fit.readbackEvery` steps).
 */
export type TrainEvent =
  | { type: 'started'; backend: BackendName; epochs: number; stepsPerEpoch: number; samples: number }
  | { type: 'estimate'; estimate: MemoryEstimateView }
  | { type: 'memory'; memory: MemoryView }
  | { type: 'progress'; epoch: number; step: number; stepsPerEpoch: number; loss: number | null }
  | { type: 'epoch'; epoch: number; logs: EpochLogs; seconds: number }
  /** Something the user should see that does not stop the run (e.g. a loss ↔ final-activation mismatch). */
  | { type: 'notice'; level: 'warning'; message: string; hint?: string }
  /** A Keras callback acted (stop, learning-rate change, checkpoint…), after the `epoch` event of `epoch`. */
  | { type: 'callback'; epoch: number; event: CallbackEventView }
  /** The backend changed before the run (an auto pick, or a new choice): what runs now, with the figures. */
  | { type: 'backend'; report: BackendReport };

export type FailureKind =
  'graph' | 'data' | 'spec' | 'resource-exhausted' | 'device-lost' | 'device-error' | 'backend' | 'internal';

/** Failures are data: what happened, the facts, and what to do about it. */
export interface TrainFailure {
  kind: FailureKind;
  message: string;
  /** What happened around the error, kept apart from the message so that reads as TensorFlow prints it. */
  detail?: string;
  hints: string[];
  /** Ranked remedies with numbers for this experiment; those with an action can be applied with a click. */
  remedies?: Remedy[];
  /** The facts of an out-of-memory failure, as TensorFlow reports them. */
  oom?: OomFactsView;
  /** What the GPU said or which WebGPU limit a tensor would cross (kinds device-lost, device-error, and a
   *  resource-exhausted refusal by the device-limit check). */
  device?: DeviceFactsView;
}

export interface DeviceFactsView {
  /**
   * `lost`: the device is gone (driver reset, destroyed); `validation`/`out-of-memory`/`internal`: a WebGPU error
   * caught by the step's error scope or as uncaptured; `limit`: refused before running by the limit check.
   */
  cause: 'lost' | 'validation' | 'out-of-memory' | 'internal' | 'limit';
  /** The browser's own words (GPUError.message, GPUDeviceLostInfo.message), verbatim. */
  gpuMessage: string;
  /** For `lost`: GPUDeviceLostInfo.reason ('destroyed' or 'unknown'). */
  lostReason?: string;
  /** For `limit`: the tensor and the limit it crosses. */
  limit?: {
    name: 'maxBufferSize' | 'maxStorageBufferBindingSize';
    limitBytes: number;
    shape: number[];
    dtype: string;
    bytes: number;
    op: string | null;
    layer: string | null;
    /** False for tensors whose size does not follow the batch (the dataset, a weight): no batch size helps. */
    batchDependent: boolean;
  };
  /** For run failures: the steps trained after the last good copy of the weights, which a resume repeats. */
  stepsLost?: number;
}

export interface OomFactsView {
  shape: number[];
  dtype: string;
  backend: string;
  budgetBytes: number;
  inUseBytes: number;
  requestedBytes: number;
  layer: string | null;
  layerClass: string | null;
  op: string | null;
  phase: 'allocation' | 'preflight' | 'reservation';
}

export type MemoryCategoryName = 'weights' | 'optimizer' | 'activations' | 'data' | 'other';
export type MemoryComponentName =
  'weights' | 'gradients' | 'optimizer' | 'activations' | 'batch' | 'workspace';

/** The pre-flight estimate of one training step's peak, by component, against the budget. */
export interface MemoryEstimateView {
  batchSize: number;
  peakBytes: number;
  components: Record<MemoryComponentName, number>;
  /** Bytes resident for the whole run (the dataset uploaded to the device), outside the step's components. */
  residentBytes: number;
  budgetBytes: number;
  fits: boolean;
  /** The largest batch size whose estimated peak fits the budget. */
  largestBatchThatFits: number;
  layers: { layer: string; bytes: number }[];
}

/** Live memory as the tracker measured it (exact: bytes of live tfjs buffers), plus the backend's own figures. */
export interface MemoryView {
  liveBytes: number;
  liveTensors: number;
  byCategory: Record<MemoryCategoryName, { bytes: number; tensors: number }>;
  /** The highest live bytes inside the last step. */
  stepPeakBytes: number;
  stepDeltaBytes: number;
  budgetBytes: number;
  /** Bytes the backend holds, in use or pooled for reuse (tfjs `numBytesAllocatedInGPU`); null off the GPU. */
  backendAllocatedBytes: number | null;
  leaks: {
    shape: number[];
    dtype: string;
    bytes: number;
    op: string | null;
    layer: string | null;
    step: number;
  }[];
  layerBytes: Record<string, number>;
}

/** What the loop did, for benchmarks and for the readback-cadence tests. */
export interface RunStats {
  /** Optimisation steps run. */
  steps: number;
  /** Device → host transfers (each stalls the GPU queue). */
  readbacks: number;
  /** Wall time of the training loop, excluding model build and data upload. */
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainOutcome {
  /** `paused`: parked at a step boundary by `pause` or a step limit; `resumable`, and `paused` says where. */
  status: 'finished' | 'stopped' | 'failed' | 'paused';
  /** One entry per completed epoch; a stopped or failed run keeps the epochs it finished. */
  history: EpochLogs[];
  failure?: TrainFailure;
  /** Absent when the run failed before the loop started. */
  stats?: RunStats;
  /** Live tensors in the worker after the run; equal to the count before it unless something leaked. */
  tensorsAfter: number;
  tensorsBefore: number;
  /** The run kept its model, weights, optimizer state and history: `resume` continues it. */
  resumable?: boolean;
  /**
   * A finished run the worker keeps a copy of (weights, optimizer state, history, random streams; on the CPU,
   * its tensors are released): `trainMore` trains it further until the next `train`, restore or `discard`.
   */
  continuable?: boolean;
  /** The pre-flight estimate and the highest step peak measured, for the estimate-vs-measured figure. */
  memory?: { estimate: MemoryEstimateView | null; measuredPeakBytes: number | null };
  /** Set when a callback (EarlyStopping, TerminateOnNaN) ended the run before `fit.epochs`; status is 'finished'. */
  earlyStopped?: { callback: CallbackName; epoch: number; reason: string };
  /** Where a paused run stands (status 'paused'). */
  paused?: PausePoint;
}

/** A paused run's position: `epoch` from 1, `step` done in it (0 when paused at an epoch's start). */
export interface PausePoint {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** After a single step: that batch's mean loss (read back once; normal steps never read back). */
  batchLoss?: number;
}

/** Optional limits for `train` and `resume`: `steps: 1` trains one batch and pauses (Single step). */
export interface RunLimits {
  steps?: number;
}

/** Settings a remedy can change with one click; the run then resumes from its last good step. */
export interface SettingsPatch {
  /** The run's new total of epochs ("train N more"): never fewer than it has done or begun. */
  epochs?: number;
  batchSize?: number;
  budgetMB?: number;
  optimizer?: 'adam' | 'sgd';
  allocation?: 'growth' | 'reserve';
  ignoreEstimate?: boolean;
}

/** One ranked piece of advice, with the numbers for this experiment, and the button that applies it. */
export interface Remedy {
  text: string;
  action?: { label: string; patch: SettingsPatch };
}
