import type * as tf from '@tensorflow/tfjs';
import type { TrainFailure } from '../../experiment/protocol';
import { deviceTensors, type DeviceData } from '../evaluate';
import { largestBatchThatFits, type MemoryModel } from '../memory/estimate';
import { limitFailure } from './device-failure';
import {
  checkResident,
  checkStep,
  largestBatchUnderLimits,
  type DeviceLimits,
  type ResidentTensor,
} from './limits';

/**
 * The tensors that live through the run and feed kernels every step: a dataset over the binding limit would
 * make every `gather` read zeros. Checked before the probe, which would otherwise measure a step of zeros.
 */
export function refuseResident(
  tensors: ResidentTensor[],
  limits: DeviceLimits | null,
  batchSize: number,
): TrainFailure | null {
  if (!limits) return null;
  const violation = checkResident(tensors, limits);
  return violation ? limitFailure(violation, { batchSize, largestBatch: 0, backend: 'webgpu' }) : null;
}

/**
 * The step's tensors at the real batch size, extrapolated from the probe, against the device's limits. The
 * suggested batch size also fits the memory budget when it can, so applying it does not trade one refusal for
 * another. Null when the step fits (or when the probe's traces cannot be replayed: see limits.ts).
 */
export function refuseStep(
  model: MemoryModel,
  batchSize: number,
  limits: DeviceLimits | null,
  budgetBytes: number,
): TrainFailure | null {
  if (!limits) return null;
  const violation = checkStep(model, batchSize, limits);
  if (!violation) return null;
  const underLimits = largestBatchUnderLimits(model, limits, batchSize);
  const underBudget = largestBatchThatFits(model, budgetBytes, batchSize);
  const largestBatch = underBudget >= 1 ? Math.min(underLimits, underBudget) : underLimits;
  return limitFailure(violation, { batchSize, largestBatch, backend: 'webgpu' });
}

/** The dataset on the device and the model's weights, as the resident check names them. */
export function residentTensors(model: tf.LayersModel, parts: (DeviceData | null)[]): ResidentTensor[] {
  const data = parts.flatMap(deviceTensors);
  return [
    ...data.map((t) => ({ name: 'dataset', shape: t.shape, dtype: t.dtype, bytes: t.size * 4 })),
    ...model.weights.map((w) => ({
      name: w.name,
      shape: w.shape as number[],
      dtype: w.dtype,
      bytes: w.read().size * 4,
    })),
  ];
}
