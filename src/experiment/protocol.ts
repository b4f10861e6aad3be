import type { BackendName, ExperimentSpec } from './spec';

/**
 * The trainer's API as the worker exposes it through comlink. Both sides import this module, so the API is
 * the protocol: there is no message type that the code posting it can ignore.
 */
export interface TrainerApi {
  /** Picks a backend (the preference first, then the fallbacks) and says which one runs and why. */
  init(preference: BackendName): Promise<BackendReport>;
  /**
   * Runs one experiment to the end. Progress arrives through `onEvent` (a comlink proxy); the promise resolves
   * with the outcome and never rejects for a failure a user can cause: that comes back as `failure`.
   */
  train(spec: ExperimentSpec, onEvent: (event: TrainEvent) => void): Promise<TrainOutcome>;
  /** Asks the running experiment to stop after the current step. */
  stop(): void;
}

export interface BackendReport {
  backend: BackendName;
  /** Why this is not the preferred backend (empty when it is). Shown to the user: fallback is never silent. */
  fallbackReason: string;
  /** What the adapter said about itself, e.g. "google swiftshader". */
  adapter: string;
}

export interface EpochLogs {
  loss: number;
  acc?: number;
  val_loss?: number;
  val_acc?: number;
}

/**
 * `epoch` counts from 1; `step` is the number of steps done in that epoch (1..stepsPerEpoch). A progress
 * event's `loss` is the epoch's running mean at the latest readback not yet reported, or null when no
 * readback happened since the last event (readbacks are every `fit.readbackEvery` steps).
 */
export type TrainEvent =
  | { type: 'started'; backend: BackendName; epochs: number; stepsPerEpoch: number; samples: number }
  | { type: 'progress'; epoch: number; step: number; stepsPerEpoch: number; loss: number | null }
  | { type: 'epoch'; epoch: number; logs: EpochLogs; seconds: number };

export type FailureKind =
  'graph' | 'data' | 'spec' | 'resource-exhausted' | 'device-lost' | 'backend' | 'internal';

/** Failures are data: what happened, the facts, and what to do about it. */
export interface TrainFailure {
  kind: FailureKind;
  message: string;
  hints: string[];
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
  status: 'finished' | 'stopped' | 'failed';
  /** One entry per completed epoch; a stopped or failed run keeps the epochs it finished. */
  history: EpochLogs[];
  failure?: TrainFailure;
  /** Absent when the run failed before the loop started. */
  stats?: RunStats;
  /** Live tensors in the worker after the run; equal to the count before it unless something leaked. */
  tensorsAfter: number;
  tensorsBefore: number;
}

/** Settings a remedy can change with one click; the run then resumes from its last good step. */
export interface SettingsPatch {
  batchSize?: number;
  budgetMB?: number;
  optimizer?: 'adam' | 'sgd';
  allocation?: 'growth' | 'reserve';
}

/** One ranked piece of advice, with the numbers for this experiment, and the button that applies it. */
export interface Remedy {
  text: string;
  action?: { label: string; patch: SettingsPatch };
}
