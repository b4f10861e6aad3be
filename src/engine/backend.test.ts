import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectBackend } from './backend';

afterEach(async () => {
  vi.unstubAllGlobals();
  await tf.setBackend('cpu');
});

describe('selectBackend', () => {
  it('falls back to WASM in Node (it runs there, before the CPU) and says why WebGPU and WebGL did not run', async () => {
    vi.stubGlobal('navigator', {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const report = await selectBackend('webgpu');
    expect(report.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.adapter).toMatch(/^WebAssembly, (no )?SIMD, single thread$/);
    expect(report.fallbackReason).toMatch(/WebGPU: .*navigator\.gpu is missing/);
    expect(report.fallbackReason).toMatch(/WebGL: /);
  });

  it('names a missing adapter as the reason WebGPU did not run', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const report = await selectBackend('webgpu');
    expect(report.fallbackReason).toMatch(/requestAdapter returned null/);
  });

  it('starts WebGPU-first for auto until a run measures, and says the choice was auto', async () => {
    vi.stubGlobal('navigator', {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const report = await selectBackend('auto');
    expect(report).toMatchObject({ backend: 'wasm', choice: 'auto' });
    expect(report.auto).toBeUndefined();
    expect(report.fallbackReason).toMatch(/WebGPU: .*navigator\.gpu is missing/);
  });

  it('switches between started backends and back, reporting the same adapter', async () => {
    const wasm = await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const cpu = await selectBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend('wasm')).toEqual(wasm);
    expect(tf.getBackend()).toBe('wasm');
    expect(cpu.fallbackReason).toBe('');
  });

  it('reports no fallback when the preference runs', async () => {
    const report = await selectBackend('cpu');
    expect(report).toEqual({ backend: 'cpu', fallbackReason: '', adapter: 'JavaScript on the CPU' });
  });
});
