import { describe, expect, it } from 'vitest';
import { toFailure } from '../failures';
import { DeviceFailure, gpuFailure } from './device-failure';

describe('GPU errors as typed failures', () => {
  it('a destroyed device is device-lost, with the steps a resume repeats', () => {
    const failure = gpuFailure(
      { cause: 'lost', reason: 'destroyed', message: 'Device destroyed.', source: 'lost' },
      7,
    );
    expect(failure.kind).toBe('device-lost');
    expect(failure.message).toContain('it was destroyed');
    expect(failure.device).toEqual({
      cause: 'lost',
      gpuMessage: 'Device destroyed.',
      lostReason: 'destroyed',
      stepsLost: 7,
    });
    expect(failure.hints[0]).toMatch(/repeats the 7 steps/);
  });

  it('a GPUOutOfMemoryError is resource-exhausted; a validation error is device-error', () => {
    const oom = gpuFailure({ cause: 'out-of-memory', message: 'Out of memory', source: 'scope' }, 0);
    expect(oom.kind).toBe('resource-exhausted');
    const invalid = gpuFailure(
      {
        cause: 'validation',
        message: 'Binding size (167772160) is larger than the maximum binding size',
        source: 'uncaptured',
      },
      null,
    );
    expect(invalid.kind).toBe('device-error');
    expect(invalid.message).toContain('GPUValidationError: Binding size (167772160)');
    expect(invalid.device?.stepsLost).toBeUndefined();
  });

  it('keeps its facts through toFailure', () => {
    const error = new DeviceFailure(
      gpuFailure({ cause: 'lost', reason: 'unknown', message: '', source: 'lost' }, 3),
    );
    expect(toFailure(error, 'train')).toMatchObject({
      kind: 'device-lost',
      device: { cause: 'lost', stepsLost: 3 },
    });
  });

  it('maps what a GPU failure looks like when it surfaces as a rejected readback', () => {
    const abort = new Error('mapAsync: Device was lost');
    abort.name = 'AbortError';
    expect(toFailure(abort, 'train').kind).toBe('device-lost');
    const invalid = new Error("Failed to execute 'mapAsync' on 'GPUBuffer': Invalid Buffer");
    invalid.name = 'OperationError';
    expect(toFailure(invalid, 'train').kind).toBe('device-error');
    const tooBig = new Error('Buffer size (2147483648) exceeds the max buffer size limit (1073741824).');
    expect(toFailure(tooBig, 'train').kind).toBe('resource-exhausted');
  });
});
