import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph, binaryClassifierGraph, blobsMlpGraph, mnistMlpGraph } from '../../graph';
import type { ModelGraph } from '../../graph/types';
import { buildModel } from '../build-model';
import { estimateAt, largestBatchThatFits, predictOom } from './estimate';
import { probeMemory } from './probe';
import { MemoryTracker } from './tracker';
import { memoryTestGraphs } from './test-graphs';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let tracker: MemoryTracker | null = null;
afterEach(() => {
  tracker?.uninstall();
  tracker = null;
});

interface Harness {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  data: { x: tf.Tensor; y: tf.Tensor };
  step(batchSize: number): void;
  dispose(): void;
}

/** A plain minimize step over the first `batchSize` samples: the shape of every Kiln training step. */
function harness(graph: ModelGraph, samples: number, optimizerName: 'adam' | 'sgd'): Harness {
  const t = tracker!;
  const model = buildModel(graph);
  t.instrumentModel(model);
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const outputUnits = model.outputs[0].shape[1] as number;
  const data = t.withCategory('data', () =>
    tf.tidy(() => ({
      x: tf.randomUniform([samples, ...inputShape]),
      y:
        outputUnits === 1
          ? tf.randomUniform([samples, 1]).round()
          : tf
              .oneHot(tf.randomUniform([samples], 0, outputUnits, 'int32') as tf.Tensor1D, outputUnits)
              .toFloat(),
    })),
  );
  const make = () => (optimizerName === 'adam' ? tf.train.adam(0.001) : tf.train.sgd(0.01));
  const h: Harness = {
    model,
    optimizer: make(),
    data,
    step(batchSize) {
      tf.tidy(() => {
        const xb = t.withCategory('data', () => data.x.slice(0, batchSize));
        const yb = t.withCategory('data', () => data.y.slice(0, batchSize));
        const cost = h.optimizer.minimize(() => {
          const pred = model.apply(xb, { training: true }) as tf.Tensor;
          return outputUnits === 1
            ? tf.losses.sigmoidCrossEntropy(yb, pred)
            : tf.losses.softmaxCrossEntropy(yb, pred);
        }, true);
        cost?.dispose();
      });
    },
    dispose() {
      tf.dispose([data.x, data.y]);
      h.optimizer.dispose();
      model.dispose();
    },
  };
  return h;
}

function measuredPeak(h: Harness, batchSize: number): number {
  let peak = 0;
  for (let i = 0; i < 3; i++) {
    tracker!.beginStep();
    h.step(batchSize);
    peak = Math.max(peak, tracker!.endStep().peakBytes);
  }
  return peak;
}

function probe(h: Harness, optimizerName: 'adam' | 'sgd') {
  return probeMemory({
    tracker: tracker!,
    model: h.model,
    step: (b) => h.step(b),
    batchBytesPerSample: 0,
    residentBytes: 0,
    resetOptimizer: () => {
      h.optimizer.dispose();
      h.optimizer = optimizerName === 'adam' ? tf.train.adam(0.001) : tf.train.sgd(0.01);
    },
  });
}

describe('pre-flight memory estimate', () => {
  it.each(memoryTestGraphs())(
    'is within ±10% of the measured peak: $name',
    ({ graph, optimizer, batchSize }) => {
      const before = tf.memory().numTensors;
      tracker = new MemoryTracker();
      tracker.install();
      const h = harness(graph, batchSize, optimizer);
      const weightsBefore = h.model.getWeights().map((w) => w.arraySync());

      const model = probe(h, optimizer);
      // The probe leaves the weights as it found them.
      expect(h.model.getWeights().map((w) => w.arraySync())).toEqual(weightsBefore);
      const estimate = estimateAt(model, batchSize);
      const measured = measuredPeak(h, batchSize);

      expect(Math.abs(estimate.peakBytes - measured) / measured).toBeLessThan(0.1);
      h.dispose();
      tracker.uninstall();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('predicts the allocation that will fail, and the largest batch that fits', () => {
    tracker = new MemoryTracker();
    tracker.install();
    const h = harness(mnistMlpGraph(), 64, 'adam');
    const model = probe(h, 'adam');
    const batchSize = 64;
    // Between what one sample needs and what the batch needs: a smaller batch fits, this one does not.
    const budget = Math.round((estimateAt(model, 1).peakBytes + estimateAt(model, batchSize).peakBytes) / 2);

    const predicted = predictOom(model, batchSize, budget);
    expect(predicted).not.toBeNull();
    const fits = largestBatchThatFits(model, budget);
    expect(fits).toBeGreaterThan(0);
    expect(fits).toBeLessThan(batchSize);

    // The real step at that budget fails exactly where predicted…
    tracker.setBudget(budget);
    tracker.beginStep();
    let error: Error | null = null;
    try {
      h.step(batchSize);
    } catch (e) {
      error = e as Error;
    }
    tracker.abortStep();
    expect(error?.message).toContain(`shape[${predicted!.shape.join(',')}]`);
    // …and the suggested batch size trains within it.
    expect(() => measuredPeak(h, fits)).not.toThrow();
    h.dispose();
  });

  it('costs nothing for the graph analysis to agree with the probe on weights', () => {
    tracker = new MemoryTracker();
    tracker.install();
    for (const graph of [binaryClassifierGraph(), blobsMlpGraph()]) {
      const h = harness(graph, 16, 'sgd');
      const model = probe(h, 'sgd');
      const totals = analyzeGraph(graph).totals;
      expect(model.costs.weightBytes).toBe((totals.trainable + totals.nonTrainable) * 4);
      expect(model.costs.optimizerBytes).toBe(0);
      h.dispose();
    }
  });
});
