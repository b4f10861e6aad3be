import type { DeviceLimitsView } from '../../experiment/protocol';
import { scaleShape, type MemoryModel } from '../memory/estimate';
import type { AllocationEvent } from '../memory/tracker';

/**
 * WebGPU's per-tensor limits, checked before a step runs. Pure arithmetic over the pre-flight probe's traces.
 *
 * Two limits matter to tfjs: `maxBufferSize` (a larger `createBuffer` fails with an async validation error and
 * the tensor's `data()` rejects) and `maxStorageBufferBindingSize` (tfjs binds every kernel's inputs *and* its
 * output as whole storage buffers, so a larger tensor makes the bind group invalid, and the step's results
 * silently read back as zeros). Every tensor a step creates is written by a kernel, and almost every one is read
 * by the next, so both limits apply to every traced allocation; tensors that exist before the step (the
 * dataset, the weights) are inputs to `gather` and the layers and are checked as resident tensors.
 *
 * Not covered: buffers a kernel allocates internally without making a tensor (e.g. an im2col matrix) are
 * invisible to the tracer.
 */

export type DeviceLimits = DeviceLimitsView;
export type LimitName = keyof DeviceLimits;

/** A tensor of the step, at the real batch size. */
export interface ProjectedTensor {
  shape: number[];
  dtype: string;
  bytes: number;
  op: string | null;
  layer: string | null;
  layerClass: string | null;
  batchDependent: boolean;
}

export interface LimitViolation extends ProjectedTensor {
  limit: LimitName;
  limitBytes: number;
}

/** A tensor that lives for the whole run (the dataset on the device, a weight), named for the message. */
export interface ResidentTensor {
  name: string;
  shape: number[];
  dtype: string;
  bytes: number;
}

/**
 * Every allocation of the step at `batchSize`, extrapolated from the two probe traces the same way
 * `predictOom` replays them (allocation i of one trace matches allocation i of the other; bytes are affine in
 * the batch size). Null when the traces do not line up (a kernel whose choice depends on the size): the
 * caller then cannot check, and says so rather than guess.
 */
export function projectStep(model: MemoryModel, batchSize: number): ProjectedTensor[] | null {
  const { small, large } = model;
  if (small.trace.length !== large.trace.length) return null;
  const t = (batchSize - small.batchSize) / (large.batchSize - small.batchSize);
  return large.trace.map((l, i) =>
    project(small.trace[i], l, small.batchSize, large.batchSize, batchSize, t),
  );
}

function project(
  s: AllocationEvent,
  l: AllocationEvent,
  bSmall: number,
  bLarge: number,
  batch: number,
  t: number,
): ProjectedTensor {
  return {
    shape: scaleShape(s.shape, l.shape, bSmall, bLarge, batch),
    dtype: l.dtype,
    bytes: Math.max(0, Math.round(s.bytes + (l.bytes - s.bytes) * t)),
    op: l.op,
    layer: l.layer,
    layerClass: l.layerClass,
    batchDependent: l.bytes !== s.bytes,
  };
}

/** The largest tensor of the step at `batchSize` (first of equals), or null when the traces do not line up. */
export function largestTensorAt(model: MemoryModel, batchSize: number): ProjectedTensor | null {
  const step = projectStep(model, batchSize);
  if (!step || step.length === 0) return null;
  return step.reduce((best, tensor) => (tensor.bytes > best.bytes ? tensor : best));
}

/**
 * The tensor that crosses a limit, judged against `maxBufferSize` first (the harder failure: the buffer is not
 * created at all) and then against `maxStorageBufferBindingSize` (the silent one). Null when all fit.
 */
export function violationOf(tensor: ProjectedTensor, limits: DeviceLimits): LimitViolation | null {
  if (tensor.bytes > limits.maxBufferSize) {
    return { ...tensor, limit: 'maxBufferSize', limitBytes: limits.maxBufferSize };
  }
  if (tensor.bytes > limits.maxStorageBufferBindingSize) {
    return {
      ...tensor,
      limit: 'maxStorageBufferBindingSize',
      limitBytes: limits.maxStorageBufferBindingSize,
    };
  }
  return null;
}

/** The first resident tensor over a limit: the dataset, typically, which no batch size shrinks. */
export function checkResident(tensors: ResidentTensor[], limits: DeviceLimits): LimitViolation | null {
  for (const tensor of tensors) {
    const violation = violationOf(
      { ...tensor, op: null, layer: tensor.name, layerClass: null, batchDependent: false },
      limits,
    );
    if (violation) return violation;
  }
  return null;
}

/** The largest tensor of the step at `batchSize` if it crosses a limit; null when the step fits. */
export function checkStep(
  model: MemoryModel,
  batchSize: number,
  limits: DeviceLimits,
): LimitViolation | null {
  const step = projectStep(model, batchSize);
  if (!step) return null;
  let worst: LimitViolation | null = null;
  for (const tensor of step) {
    const violation = violationOf(tensor, limits);
    if (!violation) continue;
    // Report the buffer-size failure before a binding one, and the biggest tensor within a kind.
    const rank = (v: LimitViolation) => (v.limit === 'maxBufferSize' ? 1 : 0);
    if (
      !worst ||
      rank(violation) > rank(worst) ||
      (rank(violation) === rank(worst) && violation.bytes > worst.bytes)
    ) {
      worst = violation;
    }
  }
  return worst;
}

/**
 * The largest batch size whose every tensor is under both limits (0 when even a batch of 1 is not), by
 * bisection: each tensor's bytes are non-decreasing in the batch size, so the step's largest is too.
 */
export function largestBatchUnderLimits(model: MemoryModel, limits: DeviceLimits, upTo = 65_536): number {
  const fits = (b: number) => checkStep(model, b, limits) === null;
  if (!projectStep(model, 1) || !fits(1)) return 0;
  if (fits(upTo)) return upTo;
  let lo = 1;
  let hi = upTo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
