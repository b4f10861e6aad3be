/**
 * Time per step and time left, from the run's progress events. Pure (the caller passes the clock), so the
 * math is tested without a worker. The first steps of a run are slow for reasons that do not repeat (WebGPU
 * compiles its shaders, tfjs warms its caches), so they are left out of the estimate.
 */

/** Steps after the first observed one that are not timed (warm-up). */
export const WARMUP_STEPS = 3;
/** Weight of the newest interval in the moving average: smooth enough for a readable ETA, quick to follow. */
export const SMOOTHING = 0.25;
/** Timed intervals needed before an estimate is shown ("estimating…" until then). */
export const MIN_INTERVALS = 2;

export interface StepClock {
  /** A progress observation: the run's step count (across epochs) at `nowMs`. */
  observe(globalStep: number, nowMs: number): void;
  /** The smoothed milliseconds per step, or null while still estimating. */
  msPerStep(): number | null;
}

/** A fresh clock for one run (a resumed run starts a new one: the paused time must not count). */
export function createStepClock(): StepClock {
  let first: number | null = null;
  let last: { step: number; t: number } | null = null;
  let average: number | null = null;
  let intervals = 0;
  return {
    observe(step, t) {
      first ??= step;
      if (last && step > last.step && step - first > WARMUP_STEPS) {
        const sample = (t - last.t) / (step - last.step);
        average = average === null ? sample : average + SMOOTHING * (sample - average);
        intervals++;
      }
      if (!last || step > last.step) last = { step, t };
    },
    msPerStep: () => (intervals >= MIN_INTERVALS ? average : null),
  };
}

export interface RunPosition {
  /** The epoch in progress, from 1. */
  epoch: number;
  /** Steps done in it. */
  step: number;
  stepsPerEpoch: number;
  epochs: number;
  /** Training samples per epoch. */
  samples: number;
}

export interface Eta {
  samplesPerSecond: number;
  /** Seconds left in the epoch in progress and in the whole run. */
  epochSeconds: number;
  runSeconds: number;
}

/** The run's step count across epochs. */
export function globalStep(at: Pick<RunPosition, 'epoch' | 'step' | 'stepsPerEpoch'>): number {
  return (at.epoch - 1) * at.stepsPerEpoch + at.step;
}

export function estimateEta(msPerStep: number | null, at: RunPosition): Eta | null {
  if (msPerStep === null || !(msPerStep > 0) || at.stepsPerEpoch <= 0) return null;
  const leftInEpoch = Math.max(0, at.stepsPerEpoch - at.step);
  const laterEpochs = Math.max(0, at.epochs - at.epoch);
  return {
    samplesPerSecond: ((at.samples / at.stepsPerEpoch) * 1000) / msPerStep,
    epochSeconds: (leftInEpoch * msPerStep) / 1000,
    runSeconds: ((leftInEpoch + laterEpochs * at.stepsPerEpoch) * msPerStep) / 1000,
  };
}

/** "under 1 s", "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return 'under 1 s';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** "1,234 samples/s"; under 10 with one decimal. */
export function formatRate(samplesPerSecond: number): string {
  const rounded =
    samplesPerSecond < 10
      ? samplesPerSecond.toFixed(1)
      : Math.round(samplesPerSecond).toLocaleString('en-US');
  return `${rounded} samples/s`;
}
