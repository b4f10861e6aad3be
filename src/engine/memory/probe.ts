import * as tf from '@tensorflow/tfjs';
import { fitMemoryModel, type MemoryModel, type ProbeResult } from './estimate';
import type { MemoryTracker } from './tracker';

/** Probe batch sizes: large enough that no kernel takes a batch-of-one shortcut, small enough to be cheap. */
export const PROBE_BATCH_SIZES = [2, 4] as const;

export interface ProbeTarget {
  tracker: MemoryTracker;
  model: tf.LayersModel;
  /** Runs one real training step (forward, backward, optimizer update) on a batch of this size. */
  step(batchSize: number): void;
  /** Bytes of one sample's inputs and targets in a batch. */
  batchBytesPerSample: number;
  /** Bytes resident for the whole run (the dataset on the device). */
  residentBytes: number;
  /** Forgets the optimizer state the probe steps created, so the run starts as if they never happened. */
  resetOptimizer(): void;
}

/**
 * Measures a training step before training starts: one warm-up step (it creates the optimizer's slots), then
 * two traced steps at the probe batch sizes. The weights are copied first and restored after, so the probe
 * leaves the model exactly as it found it; the copy's bytes are subtracted from every figure.
 */
export function probeMemory(target: ProbeTarget): MemoryModel {
  const { tracker, model } = target;
  const variables = model.weights.map((w) => (w as unknown as { val: tf.Variable }).val);
  // `clone` shares the variable's buffer until the step assigns a new value, so the copy costs memory only for
  // the weights a step changes: that is what gets subtracted from the probe's figures.
  const saved = tracker.withCategory('other', () => variables.map((v) => v.clone()));
  const budget = tracker.budget;
  // The probe measures; the budget is judged against its extrapolation, not against the probe itself.
  tracker.setBudget(null);
  try {
    const [small, large] = PROBE_BATCH_SIZES;
    const warmUp = runProbe(target, small, false);
    const overhead = saved.reduce(
      (sum, t, i) => (t.dataId === variables[i].dataId ? sum : sum + t.size * 4),
      0,
    );
    const optimizerBytes = tracker.snapshot().byCategory.optimizer.bytes;
    const smallResult = runProbe(target, small, true);
    const smallLayers = tracker.snapshot().layerBytes;
    const largeResult = runProbe(target, large, true);
    const largeLayers = tracker.snapshot().layerBytes;
    // The run's first step creates the optimizer's slots again (the probe's are reset below), which costs a
    // little more than a steady step: what the warm-up needed beyond the same-sized traced step.
    const firstStepExtraBytes = Math.max(0, warmUp.report.peakBytes - smallResult.report.peakBytes);
    return fitMemoryModel(
      { ...smallResult, probeOverheadBytes: overhead },
      { ...largeResult, probeOverheadBytes: overhead },
      {
        weightBytes: model.weights.reduce((sum, w) => sum + sizeOf(w.shape) * 4, 0),
        trainableBytes: model.trainableWeights.reduce((sum, w) => sum + sizeOf(w.shape) * 4, 0),
        optimizerBytes,
        batchBytesPerSample: target.batchBytesPerSample,
        residentBytes: target.residentBytes,
      },
      { small: smallLayers, large: largeLayers },
      firstStepExtraBytes,
    );
  } finally {
    variables.forEach((v, i) => v.assign(saved[i]));
    tf.dispose(saved);
    target.resetOptimizer();
    tracker.setBudget(budget);
    tracker.resetPeak();
  }
}

function runProbe(
  target: ProbeTarget,
  batchSize: number,
  trace: boolean,
): Omit<ProbeResult, 'probeOverheadBytes'> {
  target.tracker.beginStep({ trace });
  try {
    target.step(batchSize);
  } catch (error) {
    target.tracker.abortStep();
    throw error;
  }
  return { batchSize, report: target.tracker.endStep() };
}

function sizeOf(shape: (number | null)[]): number {
  return shape.reduce<number>((product, dim) => product * (dim ?? 1), 1);
}
