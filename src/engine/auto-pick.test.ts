import { describe, expect, it } from 'vitest';
import type { BackendTrialView } from '../experiment/protocol';
import { kernelFromError, kernelGapReason, median, missingKernels, pickFastest } from './auto-pick';

const measured = (backend: BackendTrialView['backend'], samplesPerSecond: number): BackendTrialView => ({
  backend,
  status: 'measured',
  stepMs: 64_000 / samplesPerSecond,
  steps: 3,
  samplesPerSecond,
  seconds: 0.2,
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe('kernel gaps', () => {
  it('lists the required kernels a backend does not register, in order', () => {
    const registered = new Set(['Conv2D', 'Relu', 'MatMul']);
    const required = ['Conv2D', 'Conv2DBackpropFilter', 'Relu', 'Conv2DBackpropInput'];
    expect(missingKernels(required, (k) => registered.has(k))).toEqual([
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
    ]);
  });

  it("reads the kernel's name from tfjs's not-registered error and nothing else", () => {
    expect(
      kernelFromError(new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'")),
    ).toBe('Conv2DBackpropFilter');
    expect(kernelFromError(new Error('Out of memory'))).toBeNull();
  });

  it('names the backend and every missing kernel in the reason', () => {
    expect(kernelGapReason('wasm', ['Conv2DBackpropFilter'])).toMatch(
      /WASM backend has no Conv2DBackpropFilter kernel/,
    );
    expect(kernelGapReason('wasm', ['A', 'B'])).toContain('A, B');
  });
});

describe('pickFastest', () => {
  it('picks the most samples per second and says by how much it beat the runner-up', () => {
    const pick = pickFastest([
      measured('webgpu', 282),
      measured('webgl', 1296),
      measured('wasm', 2787),
      measured('cpu', 508),
    ]);
    expect(pick?.picked).toBe('wasm');
    expect(pick?.reason).toContain('2,787 samples/s');
    expect(pick?.reason).toContain(`${(2787 / 1296).toFixed(2)}× WebGL`);
  });

  it('ignores skipped backends, counts them, and breaks a tie by the order WebGPU first', () => {
    const pick = pickFastest([
      { backend: 'webgpu', status: 'skipped', reason: 'no adapter', seconds: 0 },
      measured('cpu', 500),
      measured('webgl', 500),
    ]);
    expect(pick?.picked).toBe('webgl');
    expect(pick?.reason).toContain('1 skipped');
  });

  it('says when only one backend could be measured, and returns null when none could', () => {
    expect(pickFastest([measured('cpu', 10)])?.reason).toMatch(/only backend measured/);
    expect(pickFastest([{ backend: 'wasm', status: 'skipped', reason: 'x', seconds: 0 }])).toBeNull();
  });
});
