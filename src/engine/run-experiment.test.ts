import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeBlobs } from '../data/blobs';
import { runExperiment } from './run-experiment';
import { blobsSpec, mlp, recorder, withNodeConfig } from './testing';
import { blobsMlpGraph } from '../graph/templates';
import type { ModelGraph } from '../graph/types';

let tensorsAtStart = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  tensorsAtStart = tf.memory().numTensors;
});
afterEach(() => {
  vi.restoreAllMocks();
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

const blobs = makeBlobs(256, 7);
const never = () => false;

describe('runExperiment on blobs', () => {
  it('lowers the loss, reports accuracy and validation metrics, and leaves no tensor behind', async () => {
    const { events, onEvent } = recorder();
    const outcome = await runExperiment(blobsSpec(), blobs, onEvent, never);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.status).toBe('finished');
    expect(outcome.history).toHaveLength(3);
    const [first, , last] = outcome.history;
    expect(last.loss).toBeLessThan(first.loss);
    expect(last.accuracy).toBeGreaterThan(0.9);
    for (const logs of outcome.history) {
      expect(Number.isFinite(logs.val_loss)).toBe(true);
      expect(logs.val_accuracy).toBeGreaterThanOrEqual(0);
      expect(logs.val_accuracy).toBeLessThanOrEqual(1);
    }
    expect(outcome.tensorsAfter).toBe(outcome.tensorsBefore);
    expect(events[0]).toEqual({ type: 'started', backend: 'cpu', epochs: 3, stepsPerEpoch: 6, samples: 192 });
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(outcome.stats).toMatchObject({ steps: 18 });
  });

  it('omits validation metrics when the split is 0', async () => {
    const spec = blobsSpec({ epochs: 1 });
    spec.data.validationSplit = 0;
    const outcome = await runExperiment(spec, blobs, () => {}, never);
    expect(outcome.status).toBe('finished');
    expect(Object.keys(outcome.history[0]).sort()).toEqual(['accuracy', 'loss']);
  });

  it('reads back only every readbackEvery steps and once per epoch end, through data() and nothing else', async () => {
    const data = vi.spyOn(tf.Tensor.prototype, 'data');
    const syncs = [
      vi.spyOn(tf.Tensor.prototype, 'dataSync'),
      vi.spyOn(tf.Tensor.prototype, 'arraySync'),
      vi.spyOn(tf.Tensor.prototype, 'array'),
    ];
    // 192 training samples / 32 = 6 steps an epoch: readbacks after steps 2 and 4, then the epoch's end.
    const every2 = await runExperiment(blobsSpec({ readbackEvery: 2 }), blobs, () => {}, never);
    expect(every2.stats?.readbacks).toBe(9);
    expect(data).toHaveBeenCalledTimes(9);
    for (const spy of syncs) expect(spy).not.toHaveBeenCalled();

    data.mockClear();
    const rarely = await runExperiment(blobsSpec({ readbackEvery: 1000 }), blobs, () => {}, never);
    expect(rarely.stats?.readbacks).toBe(3);
    expect(data).toHaveBeenCalledTimes(3);
  });

  it('stops between steps mid-epoch and returns the epochs it finished', async () => {
    let checks = 0;
    const shouldStop = () => ++checks > 8; // steps 1–8 run: epoch 1 (6 steps) and 2 steps of epoch 2
    const outcome = await runExperiment(blobsSpec(), blobs, () => {}, shouldStop);
    expect(outcome.status).toBe('stopped');
    expect(outcome.history).toHaveLength(1);
    expect(outcome.stats?.steps).toBe(8);
    expect(outcome.tensorsAfter).toBe(outcome.tensorsBefore);
  });

  it('lets a stop request arriving as a message interrupt a long run (the loop yields)', async () => {
    let stop = false;
    setTimeout(() => (stop = true), 150);
    const started = performance.now();
    const outcome = await runExperiment(
      blobsSpec({ epochs: 1000, batchSize: 8 }),
      blobs,
      () => {},
      () => stop,
    );
    expect(outcome.status).toBe('stopped');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('throttles progress events to at most 20 a second', async () => {
    const { events, onEvent } = recorder();
    const started = performance.now();
    await runExperiment(blobsSpec({ epochs: 10, batchSize: 4, readbackEvery: 1 }), blobs, onEvent, never);
    const seconds = (performance.now() - started) / 1000;
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 1);
    expect(progress.some((e) => e.type === 'progress' && e.loss !== null)).toBe(true);
  });

  it('repeats exactly with the same seed on the CPU backend, and differs with another', async () => {
    const run = (seed: number) => runExperiment(blobsSpec({ epochs: 2 }, seed), blobs, () => {}, never);
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.history).toEqual(b.history);
    expect(c.history).not.toEqual(a.history);
  });

  it.each([
    ['sgd', 'mean_squared_error'],
    ['adam', 'binary_crossentropy'],
    ['sgd', 'categorical_crossentropy'],
  ] as const)('trains with %s and %s', async (optimizer, loss) => {
    const spec = blobsSpec({ epochs: 4 });
    spec.compile = { optimizer, loss, learningRate: optimizer === 'sgd' ? 0.5 : 0.05 };
    const outcome = await runExperiment(spec, blobs, () => {}, never);
    expect(outcome.status).toBe('finished');
    expect(outcome.history.at(-1)!.loss).toBeLessThan(outcome.history[0].loss);
  });
});

describe('runExperiment failures are data', () => {
  const withGraph = (graph: ModelGraph) => ({ ...blobsSpec(), graph });

  it('reshapes samples when only the layout differs', async () => {
    const spec = blobsSpec({ epochs: 1 });
    const outcome = await runExperiment(spec, blobs, () => {}, never, { build: () => mlp([2, 1], 3) });
    expect(outcome.status).toBe('finished');
  });

  it('reports a sample-shape mismatch as a data failure', async () => {
    const graph = withNodeConfig(blobsMlpGraph(), 'input_layer', { batch_shape: [null, 3] });
    const outcome = await runExperiment(withGraph(graph), blobs, () => {}, never);
    expect(outcome.status).toBe('failed');
    expect(outcome.failure?.kind).toBe('data');
    expect(outcome.failure?.message).toMatch(/'input_layer' expects samples of shape \[3\].*\[2\]/);
    expect(outcome.failure?.hints[0]).toMatch(/\[2\]/);
    expect(outcome.tensorsAfter).toBe(outcome.tensorsBefore);
  });

  it('reports output units that do not match the classes', async () => {
    const graph = withNodeConfig(blobsMlpGraph(), 'dense_1', { units: 10 });
    const outcome = await runExperiment(withGraph(graph), blobs, () => {}, never);
    expect(outcome.failure).toMatchObject({ kind: 'data' });
    expect(outcome.failure?.message).toMatch(/'dense_1' has 10 units, but blobs has 3 classes/);
    expect(outcome.failure?.hints).toEqual(["Set units of 'dense_1' to 3."]);
    expect(outcome.tensorsAfter).toBe(outcome.tensorsBefore);
  });

  it('reports an invalid graph with every problem as a hint', async () => {
    const graph = blobsMlpGraph();
    graph.edges = graph.edges.slice(1); // the first Dense loses its input
    const outcome = await runExperiment(withGraph(graph), blobs, () => {}, never);
    expect(outcome.status).toBe('failed');
    expect(outcome.failure?.kind).toBe('graph');
    expect(outcome.failure?.message).toMatch(/The graph has \d+ problems? to fix/);
    expect(outcome.failure?.hints.length).toBeGreaterThan(0);
    expect(outcome.history).toEqual([]);
    expect(outcome.tensorsAfter).toBe(outcome.tensorsBefore);
  });

  it('reports a tfjs error while building as a graph failure', async () => {
    const outcome = await runExperiment(blobsSpec(), blobs, () => {}, never, {
      build: () => {
        throw new Error('Input 0 is incompatible with layer dense');
      },
    });
    expect(outcome.failure?.kind).toBe('graph');
    expect(outcome.failure?.message).toMatch(/incompatible/);
  });

  it('reports an invalid spec without building anything', async () => {
    const spec = blobsSpec({ batchSize: 0 });
    const build = vi.fn(() => mlp([2], 3));
    const outcome = await runExperiment(spec, blobs, () => {}, never, { build });
    expect(outcome.failure?.kind).toBe('spec');
    expect(outcome.failure?.hints.join()).toMatch(/fit\.batchSize/);
    expect(build).not.toHaveBeenCalled();
  });

  it('keeps the finished epochs and disposes everything when training throws', async () => {
    let epochs = 0;
    const onEvent = (event: { type: string }) => {
      if (event.type === 'epoch' && ++epochs === 2) throw new Error('listener broke');
    };
    const outcome = await runExperiment(blobsSpec(), blobs, onEvent, never);
    expect(outcome.status).toBe('failed');
    expect(outcome.failure?.kind).toBe('internal');
    expect(outcome.failure?.message).toMatch(/listener broke/);
    expect(outcome.history).toHaveLength(2);
    expect(outcome.tensorsAfter).toBe(outcome.tensorsBefore);
  });
});
