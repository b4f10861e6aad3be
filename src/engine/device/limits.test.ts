import { describe, expect, it } from 'vitest';
import type { MemoryModel } from '../memory/estimate';
import type { AllocationEvent } from '../memory/tracker';
import { checkResident, checkStep, largestBatchUnderLimits, largestTensorAt, projectStep } from './limits';
import { refuseStep } from './limit-check';

const MiB = 1024 * 1024;

function event(shape: number[], op: string, layer: string | null): AllocationEvent {
  const bytes = shape.reduce((a, b) => a * b, 1) * 4;
  return { shape, dtype: 'float32', bytes, liveBefore: 0, op, layer, layerClass: layer ? 'Dense' : null };
}

/** A traced step of Input 2 → Dense(units): the weight's gradient is fixed, the activations follow the batch. */
function denseModel(units: number): MemoryModel {
  const trace = (b: number) => [
    event([b, 2], 'GatherV2', null),
    event([b, units], 'MatMul', 'dense'),
    event([b, units], 'Relu', 'dense'),
    event([2, units], 'MatMul', null),
  ];
  return {
    fixedBytes: 0,
    perSampleBytes: 0,
    costs: { weightBytes: 0, trainableBytes: 0, optimizerBytes: 0, batchBytesPerSample: 0, residentBytes: 0 },
    layerBytesPerSample: {},
    overheadBytes: 0,
    firstStepExtraBytes: 0,
    small: { batchSize: 2, trace: trace(2), startBytes: 0 },
    large: { batchSize: 4, trace: trace(4), startBytes: 0 },
  };
}

const LIMITS = { maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };

describe('WebGPU limit checks on the probe traces', () => {
  it('extrapolates every allocation of the step to the real batch size, shape and bytes', () => {
    const step = projectStep(denseModel(65_536), 640)!;
    expect(step.map((t) => t.shape)).toEqual([
      [640, 2],
      [640, 65_536],
      [640, 65_536],
      [2, 65_536],
    ]);
    expect(step[1].bytes).toBe(160 * MiB);
    expect(step.map((t) => t.batchDependent)).toEqual([true, true, true, false]);
    expect(largestTensorAt(denseModel(65_536), 640)).toMatchObject({ shape: [640, 65_536], op: 'MatMul' });
  });

  it('names the binding limit for a tensor between the two limits (the silent-zeros case)', () => {
    expect(checkStep(denseModel(65_536), 640, LIMITS)).toMatchObject({
      limit: 'maxStorageBufferBindingSize',
      limitBytes: 128 * MiB,
      shape: [640, 65_536],
      bytes: 160 * MiB,
      layer: 'dense',
    });
    expect(checkStep(denseModel(65_536), 512, LIMITS)).toBeNull();
  });

  it('names the buffer limit first when a tensor crosses both', () => {
    expect(checkStep(denseModel(65_536), 1100, LIMITS)).toMatchObject({
      limit: 'maxBufferSize',
      shape: [1100, 65_536],
    });
  });

  it('finds the largest batch under both limits by the same extrapolation', () => {
    expect(largestBatchUnderLimits(denseModel(65_536), LIMITS)).toBe(512);
    // One sample of Dense(2^26) is 256 MiB: no batch size helps.
    expect(largestBatchUnderLimits(denseModel(1 << 26), LIMITS)).toBe(0);
  });

  it('does not guess when the traces do not line up', () => {
    const model = denseModel(65_536);
    model.large.trace.push(event([4, 4], 'Add', null));
    expect(projectStep(model, 640)).toBeNull();
    expect(checkStep(model, 640, LIMITS)).toBeNull();
  });

  it('catches a dataset over the binding limit, which no batch size shrinks', () => {
    const mnist = { name: 'dataset', shape: [60_000, 28, 28, 1], dtype: 'float32', bytes: 60_000 * 784 * 4 };
    expect(checkResident([mnist], LIMITS)).toMatchObject({
      limit: 'maxStorageBufferBindingSize',
      batchDependent: false,
    });
    expect(checkResident([{ ...mnist, shape: [2000, 28, 28, 1], bytes: 2000 * 784 * 4 }], LIMITS)).toBeNull();
  });

  it('refuses with a typed failure naming shape, bytes and limit, and an Apply action for the batch size', () => {
    const failure = refuseStep(denseModel(65_536), 640, LIMITS, 16_384 * MiB)!;
    expect(failure.kind).toBe('resource-exhausted');
    expect(failure.message).toBe(
      'ResourceExhaustedError: tensor with shape[640,65536] and type float32 needs 160.0 MB, over this webgpu ' +
        "device's maxStorageBufferBindingSize of 128.0 MB (layer dense / Dense, op MatMul). Not started: WebGPU " +
        'would bind it as an invalid buffer and the step would silently compute zeros.',
    );
    expect(failure.device?.limit).toMatchObject({ name: 'maxStorageBufferBindingSize', bytes: 160 * MiB });
    expect(failure.remedies?.[0].action).toEqual({
      label: 'Apply: batch size 512',
      patch: { batchSize: 512 },
    });
    expect(refuseStep(denseModel(65_536), 512, LIMITS, 16_384 * MiB)).toBeNull();
    expect(refuseStep(denseModel(65_536), 640, null, 16_384 * MiB)).toBeNull();
  });
});
