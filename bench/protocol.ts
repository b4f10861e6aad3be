/**
 * Messages between the bench page (main thread) and the bench worker, and the figures the worker returns.
 * Types only: both sides and `run.mjs` (through `window.__bench`) agree on these shapes.
 */

import type { AutoPickView } from '../src/experiment/protocol';

export type BenchBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type SpeedModel = 'mlp' | 'cnn';
/** `kiln`: our loop as TrainingSession runs it (MemoryTracker installed, step hooks, memory events). */
export type SpeedVariant = 'kiln' | 'kiln-untracked' | 'fit';

export interface BenchConfig {
  backends: BenchBackend[];
  /** Models of the loop-vs-fit rows. */
  models: SpeedModel[];
  /** Timed runs per variant after the warm-up run (the median is reported). */
  runs: Record<BenchBackend, number>;
  /** Batches of 64 per timed run, per backend and model. */
  batches: Record<BenchBackend, Record<SpeedModel, number>>;
  readbackEvery: number;
  /**
   * Extra loop-vs-fit rows with tfjs flags set; the flags are restored afterwards. Informational: the app does
   * not set them.
   */
  flagVariants: {
    backend: BenchBackend;
    flags: Record<string, boolean | number>;
    batches: Partial<Record<SpeedModel, number>>;
  }[];
  /** Backends for the estimate-vs-measured section. */
  estimateBackends: BenchBackend[];
  /** Real training steps after the pre-flight probe (the measured peak is the highest of them). */
  estimateSteps: number;
  /** Run the backend auto pick on the MLP after the loop-vs-fit rows. */
  autoPick: boolean;
}

/** A loop-vs-fit row that could not run: the backend lacks a kernel the model's training step needs. */
export interface SkippedSpeed {
  backend: BenchBackend;
  model: SpeedModel;
  reason: string;
  missingKernels: string[];
}

/** The engine's auto pick on the MLP (batch 64, Adam): what it measured and chose. */
export interface AutoPickBench {
  picked: BenchBackend;
  adapter: string;
  auto: AutoPickView;
}

export type ToPage =
  | { type: 'log'; text: string }
  | { type: 'section'; name: string; phase: 'start' | 'end' }
  | { type: 'progress'; variant: SpeedVariant; step: number; steps: number; loss: number | null }
  | { type: 'memory'; liveBytes: number; stepPeakBytes: number }
  | { type: 'done'; results: WorkerResults }
  | { type: 'error'; message: string };

export type ToWorker = { type: 'start'; config: BenchConfig };

export interface BackendInfo {
  backend: BenchBackend;
  available: boolean;
  reason?: string;
  /** WebGPU adapter info / WebGL renderer / "JavaScript". */
  adapter?: Record<string, unknown>;
}

export interface RunFigures {
  samples: number;
  steps: number;
  ms: number;
  samplesPerSecond: number;
  /** Progress messages posted to the page during the run. */
  progressPosted: number;
  /** Host readbacks the loop did (Kiln only; fit reads every batch when a batch callback is attached). */
  readbacks: number | null;
}

export interface SpeedResult {
  backend: BenchBackend;
  /** tfjs flags set for this row (empty: tfjs defaults, as the app runs). */
  flags: Record<string, boolean | number>;
  model: SpeedModel;
  batchSize: number;
  batchesPerRun: number;
  /** Order of the variants in each timed round (rotated every round). */
  rounds: SpeedVariant[][];
  warmup: Record<SpeedVariant, RunFigures>;
  /** Kernels one training step dispatches, by kernel name (`tf.profile`). */
  kernels: Record<SpeedVariant, Record<string, number>>;
  runs: Record<SpeedVariant, RunFigures[]>;
  median: Record<SpeedVariant, number>;
}

export interface EstimateResult {
  backend: BenchBackend;
  model: string;
  optimizer: string;
  batchSize: number;
  status: string;
  failure?: string;
  estimateBytes: number | null;
  measuredBytes: number | null;
  /** Bytes of the dataset on the device, inside both figures. */
  residentBytes: number | null;
  components: Record<string, number> | null;
  steps: number;
  seconds: number;
}

export interface WorkerResults {
  environment: {
    userAgent: string;
    hardwareConcurrency: number;
    tfjs: string;
    backends: BackendInfo[];
  };
  speed: SpeedResult[];
  skipped: SkippedSpeed[];
  autoPick: AutoPickBench | null;
  estimates: EstimateResult[];
}
