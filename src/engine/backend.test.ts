import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectBackend } from './backend';

afterEach(async () => {
  vi.unstubAllGlobals();
  await tf.setBackend('cpu');
});

describe('selectBackend', () => {
  it('falls back to the CPU in Node and says why WebGPU and WebGL did not run', async () => {
    vi.stubGlobal('navigator', {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const report = await selectBackend('webgpu');
    expect(report.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(report.fallbackReason).toMatch(/WebGPU: .*navigator\.gpu is missing/);
    expect(report.fallbackReason).toMatch(/WebGL: /);
  });

  it('names a missing adapter as the reason WebGPU did not run', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const report = await selectBackend('webgpu');
    expect(report.fallbackReason).toMatch(/requestAdapter returned null/);
  });

  it('reports no fallback when the preference runs', async () => {
    const report = await selectBackend('cpu');
    expect(report).toEqual({ backend: 'cpu', fallbackReason: '', adapter: 'JavaScript on the CPU' });
  });
});
