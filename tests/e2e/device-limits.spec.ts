import { test, expect } from './fixtures';
import { blobsSpec, call, openTrainer, wideGraph } from './device-harness';
import type { BackendReport } from '../../src/experiment/protocol';

/* eslint-disable @typescript-eslint/no-explicit-any -- the page's globals are set up by device-harness.ts */

const MiB = 1024 * 1024;

/** A worker whose WebGPU device has the smallest limits WebGPU grants. */
async function smallDevice(page: import('@playwright/test').Page): Promise<BackendReport> {
  await openTrainer(page);
  // Ask for a few MB: WebGPU grants no less than the spec defaults (256 MiB buffers, 128 MiB bindings), far
  // below the 1 GiB SwiftShader offers and tfjs would request.
  return page.evaluate((limits) => (window as any).trainer.init('webgpu', { deviceLimits: limits }), {
    maxStorageBufferBindingSize: 4 * MiB,
    maxBufferSize: 8 * MiB,
  });
}

test('a step with a tensor over maxStorageBufferBindingSize is refused before it runs, with the batch size that fits', async ({
  page,
  problems,
}) => {
  const report = await smallDevice(page);
  expect(report.backend).toBe('webgpu');
  expect(report.limits).toEqual({ maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB });

  // Dense(16384) on a batch of 2560: its [2560,16384] activations are 160 MiB, over the 128 MiB binding limit
  // and under the 256 MiB buffer limit: the case WebGPU answers with zeros and no error.
  const spec = blobsSpec({
    graph: wideGraph(16_384, 8),
    samples: 4096,
    validationSplit: 0,
    budgetMB: 16_384,
    fit: { batchSize: 2560, epochs: 1 },
  });
  const refused = await call(page, 'train', spec);
  expect(refused.status).toBe('failed');
  expect(refused.resumable).toBe(true);
  expect(refused.stats?.steps ?? 0).toBe(0);
  const failure = refused.failure!;
  expect(failure.kind).toBe('resource-exhausted');
  expect(failure.device?.cause).toBe('limit');
  expect(failure.device?.limit).toMatchObject({
    name: 'maxStorageBufferBindingSize',
    limitBytes: 128 * MiB,
    shape: [2560, 16_384],
    bytes: 160 * MiB,
    layer: 'dense',
    batchDependent: true,
  });
  expect(failure.message).toContain('shape[2560,16384]');
  expect(failure.message).toContain('maxStorageBufferBindingSize of 128.0 MB');
  expect(failure.remedies?.find((r) => r.action)?.action).toEqual({
    label: 'Apply: batch size 2048',
    patch: { batchSize: 2048 },
  });
  expect(refused.tensorsAfter).toBeGreaterThan(refused.tensorsBefore); // parked for resume
  await page.evaluate(() => (window as any).trainer.discard());
  expect(problems.errors).toEqual([]);
});

// A dataset over the binding limit (refused before the probe, no batch size helps) is covered in
// src/engine/device/limits.test.ts: the packaged MNIST's 10,000 digits (31 MB) cannot reach 128 MiB.
