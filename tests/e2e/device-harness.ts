import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { TrainEvent, TrainOutcome } from '../../src/experiment/protocol';
import type { ExperimentSpec } from '../../src/experiment/spec';
import { blobsExperiment } from '../../src/experiment/defaults';
import { fillConfig } from '../../src/graph';
import type { ModelGraph } from '../../src/graph/types';

/**
 * Drives the built trainer worker directly, with comlink as the client uses it, so the device tests can pass
 * options the UI never sends (small device limits, the debug hook) without a test page in the build. The
 * worker is the production bundle from `vite build`; comlink's UMD build is injected into the page.
 */
export async function openTrainer(page: Page): Promise<void> {
  const assets = join(process.cwd(), 'dist', 'assets');
  const worker = readdirSync(assets).find((f) => /^trainer\.worker-.*\.js$/.test(f));
  if (!worker) throw new Error('dist/assets has no trainer worker: run `npx vite build` first');
  // An empty page on the preview server's origin (a secure context, so `navigator.gpu` exists), served by the
  // test itself: nothing is added to the build for it.
  await page.route('**/device-test.html', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Kiln device test</title>' }),
  );
  await page.goto('/device-test.html');
  const require = createRequire(import.meta.url);
  await page.addScriptTag({ path: require.resolve('comlink/dist/umd/comlink.js') });
  await page.evaluate((url) => {
    const w = window as unknown as Record<string, unknown>;
    const Comlink = w.Comlink as { wrap(worker: Worker): unknown };
    const trainer = new Worker(url, { type: 'module' });
    w.trainerErrors = [];
    trainer.addEventListener('error', (e) => (w.trainerErrors as string[]).push(e.message));
    w.trainer = Comlink.wrap(trainer);
    w.trainerEvents = [];
  }, `/assets/${worker}`);
}

/** Runs `method` (train or resume) in the page; events are collected in `window.trainerEvents`. */
export async function call(page: Page, method: 'train' | 'resume', arg: unknown): Promise<TrainOutcome> {
  return page.evaluate(
    async ({ method, arg }) => {
      const w = window as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const onEvent = w.Comlink.proxy((event: unknown) => w.trainerEvents.push(event));
      return w.trainer[method](arg, onEvent);
    },
    { method, arg },
  );
}

export async function events(page: Page): Promise<TrainEvent[]> {
  return page.evaluate(() => (window as unknown as { trainerEvents: TrainEvent[] }).trainerEvents);
}

/** The blobs experiment on WebGPU with overrides (a plain object: it crosses into the page). */
export function blobsSpec(overrides: {
  graph?: ModelGraph;
  units?: number;
  samples?: number;
  validationSplit?: number;
  fit?: Partial<ExperimentSpec['fit']>;
  budgetMB?: number;
}): ExperimentSpec {
  const spec = blobsExperiment();
  if (overrides.graph) spec.graph = overrides.graph;
  if (overrides.units !== undefined) {
    spec.graph = {
      ...spec.graph,
      nodes: spec.graph.nodes.map((n) =>
        n.name === 'dense' ? { ...n, config: { ...n.config, units: overrides.units as number } } : n,
      ),
    };
  }
  spec.data = {
    ...spec.data,
    samples: overrides.samples ?? spec.data.samples,
    validationSplit: overrides.validationSplit ?? spec.data.validationSplit,
  };
  spec.fit = { ...spec.fit, ...overrides.fit };
  spec.memory = { ...spec.memory, budgetMB: overrides.budgetMB ?? spec.memory.budgetMB };
  return JSON.parse(JSON.stringify(spec)) as ExperimentSpec;
}

/**
 * Input 2 → Dense(units, relu) → Reshape [side, side, 1] → MaxPooling2D(pool) → Flatten → Dense 3: the Dense
 * activations are the step's largest tensors (units × 4 bytes per sample). Pooling, not a Dense, shrinks them:
 * a MatMul with a huge inner dimension and a tiny output runs split-K with atomics, which SwiftShader takes
 * minutes over.
 */
export function wideGraph(units: number, pool: number): ModelGraph {
  const side = Math.sqrt(units);
  const layers: [string, string, Record<string, unknown>][] = [
    ['input_layer', 'InputLayer', { batch_shape: [null, 2] }],
    ['dense', 'Dense', { units, activation: 'relu' }],
    ['reshape', 'Reshape', { target_shape: [side, side, 1] }],
    ['max_pooling2d', 'MaxPooling2D', { pool_size: [pool, pool] }],
    ['flatten', 'Flatten', {}],
    ['dense_1', 'Dense', { units: 3, activation: 'softmax' }],
  ];
  return {
    nodes: layers.map(([name, className, config], i) => ({
      id: name,
      className,
      name,
      config: fillConfig(className, config as never),
      position: { x: i * 200, y: 0 },
    })),
    edges: layers.slice(1).map(([name], i) => ({
      id: `e${i}`,
      source: layers[i][0],
      target: name,
      targetSlot: 0,
    })),
  };
}
