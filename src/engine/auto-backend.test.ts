import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExperimentSpec } from '../experiment/spec';
import type { Dataset } from '../data/types';
import { makeBlobs } from '../data/blobs';
import { smallCnnGraph } from '../graph/templates';
import { autoSelectBackend } from './auto-backend';
import { stepKernels, timeTrainingStep } from './backend-trial';
import { blobsSpec, withNodeConfig } from './testing';

// Real backends in Node: the CPU backend and tfjs's WebAssembly backend (which runs in Node too). WASM has no
// Conv2DBackpropFilter, so it trains the MLP but not the CNN: the gap the auto pick must detect.
const quick = { maxSteps: 2, budgetMs: 50 };

afterEach(async () => {
  vi.unstubAllGlobals();
  await tf.setBackend('cpu');
});

/** The small CNN template shrunk to 8×8 inputs and 4 filters, so the CPU trains it in milliseconds. */
function cnnSpec(): ExperimentSpec {
  let graph = withNodeConfig(smallCnnGraph(), 'input_layer', { batch_shape: [null, 8, 8, 1] });
  graph = withNodeConfig(graph, 'conv2d', { filters: 4 });
  graph = withNodeConfig(graph, 'conv2d_1', { filters: 4, kernel_size: [1, 1] });
  return {
    ...blobsSpec({ batchSize: 4 }),
    graph,
    data: { dataset: 'mnist', samples: 8, validationSplit: 0 },
  };
}

function digits(count: number): Dataset {
  const y = new Float32Array(count * 10);
  for (let i = 0; i < count; i++) y[i * 10 + (i % 10)] = 1;
  return {
    name: 'digits',
    x: Float32Array.from({ length: count * 64 }, (_, i) => (i % 7) / 7),
    sampleShape: [8, 8, 1],
    y,
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    count,
  };
}

describe('autoSelectBackend', () => {
  it('times the MLP on WASM and the CPU, leaves the faster current, and frees every trial tensor', async () => {
    const spec = blobsSpec({ batchSize: 32 });
    const dataset = makeBlobs(64, 1);
    const before = tf.memory().numTensors;
    const report = await autoSelectBackend(spec, dataset, { order: ['wasm', 'cpu'], budget: quick });
    expect(tf.memory().numTensors).toBe(before);
    const trials = report.auto!.trials;
    expect(trials.map((t) => [t.backend, t.status])).toEqual([
      ['wasm', 'measured'],
      ['cpu', 'measured'],
    ]);
    const rates = trials.map((t) => (t.status === 'measured' ? t.samplesPerSecond : 0));
    expect(rates.every((r) => r > 0)).toBe(true);
    expect(trials.every((t) => t.seconds > 0 && t.seconds <= report.auto!.seconds)).toBe(true);
    const fastest = rates[0] >= rates[1] ? 'wasm' : 'cpu';
    expect(report).toMatchObject({ backend: fastest, choice: 'auto', fallbackReason: '' });
    expect(report.auto!.picked).toBe(fastest);
    expect(tf.getBackend()).toBe(fastest);
  });

  it('skips WASM for a Conv2D model, naming Conv2DBackpropFilter, and trains on the CPU', async () => {
    const before = tf.memory().numTensors;
    const report = await autoSelectBackend(cnnSpec(), digits(4), { order: ['wasm', 'cpu'], budget: quick });
    expect(tf.memory().numTensors).toBe(before);
    const [wasm, cpu] = report.auto!.trials;
    expect(wasm).toMatchObject({ backend: 'wasm', status: 'skipped' });
    expect(wasm.status === 'skipped' && wasm.missingKernels).toContain('Conv2DBackpropFilter');
    expect(wasm.status === 'skipped' && wasm.reason).toContain('Conv2DBackpropFilter');
    expect(cpu.status).toBe('measured');
    expect(report.backend).toBe('cpu');
    expect(report.auto!.reason).toMatch(/CPU .* only backend measured; 1 skipped/);
  });

  it('times a backend whose first step is over the cutoff for that one step only', async () => {
    const before = tf.memory().numTensors;
    const report = await autoSelectBackend(blobsSpec(), makeBlobs(64, 1), {
      order: ['cpu', 'wasm'],
      budget: { maxSteps: 4, budgetMs: 60_000 },
      giveUp: { ms: 0, ratio: 0 },
    });
    expect(tf.memory().numTensors).toBe(before);
    const [cpu, wasm] = report.auto!.trials;
    // The first backend has nothing to be compared with: all its steps are timed.
    expect(cpu).toMatchObject({ status: 'measured', steps: 4 });
    expect(wasm).toMatchObject({ status: 'measured', steps: 1 });
  });

  it('skips a backend that does not start, with the reason it gave', async () => {
    vi.stubGlobal('navigator', {});
    const report = await autoSelectBackend(blobsSpec(), makeBlobs(64, 1), {
      order: ['webgpu', 'cpu'],
      budget: quick,
    });
    expect(report.auto!.trials[0]).toMatchObject({ backend: 'webgpu', status: 'skipped' });
    expect(report.auto!.trials[0].status === 'skipped' && report.auto!.trials[0].reason).toMatch(
      /navigator\.gpu/,
    );
    expect(report.backend).toBe('cpu');
  });
});

describe('the trial step', () => {
  it('lists the kernels a Conv2D training step needs, gradients included', async () => {
    const kernels = await stepKernels(cnnSpec(), digits(2));
    expect(kernels).toEqual(expect.arrayContaining(['Conv2D', 'Conv2DBackpropFilter', 'MaxPoolGrad']));
  });

  it("frees its tensors when the step throws WASM's not-registered error", async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    await expect(timeTrainingStep(cnnSpec(), digits(4), quick)).rejects.toThrow(
      /Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
