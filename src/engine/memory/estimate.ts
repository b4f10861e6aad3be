import type { AllocationEvent, StepMemoryReport } from './tracker';

/**
 * The pre-flight estimate, from two probe steps.
 *
 * A training step's memory is affine in the batch size: weights, optimizer slots and gradients do not depend on
 * it, and every activation, batch tensor and backward temporary scales with it. So Kiln runs the real step
 * twice on tiny batches (b₁ < b₂, traced by the tracker, weights restored afterwards), and extrapolates every
 * allocation of the step to the requested batch size. That gives the peak and also the allocation at which a
 * budget would first be crossed, with its shape: the same facts the real OOM will report. This module is pure
 * arithmetic over the two traces; it never touches tfjs.
 */

export interface ProbeResult {
  batchSize: number;
  report: StepMemoryReport;
  /** Bytes the probe held that the real run will not (the copy of the weights kept to restore them). */
  probeOverheadBytes: number;
}

export interface FixedCosts {
  weightBytes: number;
  trainableBytes: number;
  optimizerBytes: number;
  /** Bytes of one sample's inputs and targets as gathered into a batch. */
  batchBytesPerSample: number;
  /** Bytes live for the whole run outside the model: the dataset on the device. */
  residentBytes: number;
}

export interface MemoryComponents {
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  batch: number;
  workspace: number;
}

export const COMPONENT_LABELS: Record<keyof MemoryComponents, string> = {
  weights: 'Weights',
  gradients: 'Gradients',
  optimizer: 'Optimizer slots',
  activations: 'Activations kept for backprop',
  batch: 'Input batch',
  workspace: 'Workspace',
};

export interface PredictedOom {
  shape: number[];
  dtype: string;
  inUseBytes: number;
  requestedBytes: number;
  op: string | null;
  layer: string | null;
  layerClass: string | null;
}

export interface MemoryModel {
  /** Peak bytes of a step that do not depend on the batch size. */
  fixedBytes: number;
  /** Peak bytes added by each sample in the batch. */
  perSampleBytes: number;
  costs: FixedCosts;
  /** Forward activation bytes each layer allocates per sample. */
  layerBytesPerSample: Record<string, number>;
  /** Bytes the probe held that the real run will not; the traces include them, the estimates do not. */
  overheadBytes: number;
  /** What the first step (which creates the optimizer's slots) needs beyond a steady one. */
  firstStepExtraBytes: number;
  /** The probe traces, kept to replay the step at any batch size. */
  small: { batchSize: number; trace: AllocationEvent[]; startBytes: number };
  large: { batchSize: number; trace: AllocationEvent[]; startBytes: number };
}

export interface MemoryEstimate {
  batchSize: number;
  peakBytes: number;
  residentBytes: number;
  components: MemoryComponents;
  /** Layers by the activation bytes they allocate at this batch size, largest first. */
  layers: { layer: string; bytes: number }[];
}

export function fitMemoryModel(
  small: ProbeResult,
  large: ProbeResult,
  costs: FixedCosts,
  layerBytes: { small: Record<string, number>; large: Record<string, number> },
  firstStepExtraBytes = 0,
): MemoryModel {
  if (!small.report.trace || !large.report.trace) throw new Error('probe steps must be traced');
  const peakSmall = small.report.peakBytes - small.probeOverheadBytes;
  const peakLarge = large.report.peakBytes - large.probeOverheadBytes;
  const perSampleBytes = Math.max(0, (peakLarge - peakSmall) / (large.batchSize - small.batchSize));
  const fixedBytes = Math.max(0, peakSmall - perSampleBytes * small.batchSize);
  const layerBytesPerSample: Record<string, number> = {};
  for (const [layer, bytes] of Object.entries(layerBytes.large)) {
    const delta = bytes - (layerBytes.small[layer] ?? 0);
    layerBytesPerSample[layer] = Math.max(0, delta / (large.batchSize - small.batchSize));
  }
  return {
    fixedBytes,
    perSampleBytes,
    costs,
    layerBytesPerSample,
    overheadBytes: small.probeOverheadBytes,
    firstStepExtraBytes,
    small: {
      batchSize: small.batchSize,
      trace: small.report.trace,
      startBytes: small.report.startBytes,
    },
    large: {
      batchSize: large.batchSize,
      trace: large.report.trace,
      startBytes: large.report.startBytes,
    },
  };
}

export function estimateAt(model: MemoryModel, batchSize: number): MemoryEstimate {
  const peakBytes = Math.round(
    replayPeak(model, batchSize) ?? model.fixedBytes + model.perSampleBytes * batchSize,
  );
  const { weightBytes, trainableBytes, optimizerBytes, batchBytesPerSample, residentBytes } = model.costs;
  const batch = batchBytesPerSample * batchSize;
  const activations = Math.max(0, Math.round(model.perSampleBytes * batchSize - batch));
  const accounted = weightBytes + trainableBytes + optimizerBytes + batch + activations + residentBytes;
  return {
    batchSize,
    peakBytes,
    residentBytes,
    components: {
      weights: weightBytes,
      gradients: trainableBytes,
      optimizer: optimizerBytes,
      activations,
      batch,
      // What the peak holds beyond the named parts: temporaries of the optimizer update and of the kernels.
      workspace: Math.max(0, peakBytes - accounted),
    },
    layers: Object.entries(model.layerBytesPerSample)
      .map(([layer, perSample]) => ({ layer, bytes: Math.round(perSample * batchSize) }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/**
 * The step's peak at `batchSize`: live bytes after each allocation are affine in the batch size, but the peak is
 * the largest of them, and which allocation that is can change with the batch size (weight gradients dominate
 * small batches, activations large ones). So the step is replayed allocation by allocation. Null when the two
 * traces do not line up.
 */
function replayPeak(model: MemoryModel, batchSize: number): number | null {
  const { small, large } = model;
  if (small.trace.length !== large.trace.length) return null;
  const t = (batchSize - small.batchSize) / (large.batchSize - small.batchSize);
  let peak = small.startBytes + (large.startBytes - small.startBytes) * t;
  for (let i = 0; i < large.trace.length; i++) {
    const s = small.trace[i].liveBefore + small.trace[i].bytes;
    const l = large.trace[i].liveBefore + large.trace[i].bytes;
    peak = Math.max(peak, s + (l - s) * t);
  }
  return peak - model.overheadBytes;
}

/** The largest batch size whose estimated peak fits in `budgetBytes` (0 when even one sample does not). */
export function largestBatchThatFits(model: MemoryModel, budgetBytes: number, upTo = 65_536): number {
  // A suggestion that fails on its first step teaches the wrong lesson: keep 1% for what the probe cannot see
  // (kernels whose temporaries depend on the batch size in steps, the backend's rounding).
  const fits = (b: number) => estimateAt(model, b).peakBytes * 1.01 <= budgetBytes;
  if (!fits(1)) return 0;
  if (fits(upTo)) return upTo;
  // The replayed peak is non-decreasing in the batch size, so bisection finds the boundary.
  let lo = 1;
  let hi = upTo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Replays the step at `batchSize` and returns the first allocation that would take live bytes past the budget,
 * or null when the step fits. Allocations are matched by position in the two traces; when the traces differ in
 * length (an op whose kernel choice depends on the size), the estimate falls back to the peak alone.
 */
export function predictOom(model: MemoryModel, batchSize: number, budgetBytes: number): PredictedOom | null {
  const { small, large } = model;
  const span = large.batchSize - small.batchSize;
  const t = (batchSize - small.batchSize) / span;
  const at = (a: number, b: number) => a + (b - a) * t;
  if (small.trace.length === large.trace.length) {
    for (let i = 0; i < large.trace.length; i++) {
      const s = small.trace[i];
      const l = large.trace[i];
      const inUse = at(s.liveBefore, l.liveBefore) - model.overheadBytes;
      const requested = at(s.bytes, l.bytes);
      if (inUse + requested > budgetBytes) {
        return {
          shape: scaleShape(s.shape, l.shape, small.batchSize, large.batchSize, batchSize),
          dtype: l.dtype,
          inUseBytes: Math.round(inUse),
          requestedBytes: Math.round(requested),
          op: l.op,
          layer: l.layer,
          layerClass: l.layerClass,
        };
      }
    }
    return null;
  }
  const estimate = estimateAt(model, batchSize);
  if (estimate.peakBytes <= budgetBytes) return null;
  return {
    shape: [],
    dtype: 'float32',
    inUseBytes: Math.round(model.fixedBytes),
    requestedBytes: estimate.peakBytes - Math.round(model.fixedBytes),
    op: null,
    layer: null,
    layerClass: null,
  };
}

/** Dimensions that followed the probe batch size (2 → 4, or a multiple of it) follow the real one. */
export function scaleShape(
  small: number[],
  large: number[],
  bSmall: number,
  bLarge: number,
  batch: number,
): number[] {
  return large.map((dim, i) => {
    const before = small[i];
    if (before === dim) return dim;
    if (before * bLarge === dim * bSmall) return (dim / bLarge) * batch;
    return Math.round(before + ((dim - before) * (batch - bSmall)) / (bLarge - bSmall));
  });
}
