import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph, binaryClassifierGraph, blobsMlpGraph, mnistMlpGraph } from '../../graph';
import type { ModelGraph } from '../../graph/types';
import { createRng } from '../../data/random';
import type { Dataset } from '../../data/types';
import { buildModel } from '../build-model';
import { deviceTensors, type DeviceData } from '../evaluate';
import { createObjective } from '../objective';
import { blobsSpec } from '../testing';
import { trainStep } from '../train-loop';
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
  step(batchSize: number): void;
  dispose(): void;
}

/** Random samples and labels for the model's input and output, as a dataset the objective can plan a feed for. */
function randomDataset(inputShape: number[], outputUnits: number, samples: number): Dataset {
  const rng = createRng(11);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const y = new Float32Array(samples * outputUnits);
  for (let i = 0; i < samples; i++) {
    if (outputUnits === 1) y[i] = rng() < 0.5 ? 0 : 1;
    else y[i * outputUnits + Math.floor(rng() * outputUnits)] = 1;
  }
  return {
    name: 'random',
    x: Float32Array.from({ length: samples * size }, () => rng()),
    sampleShape: inputShape,
    y,
    classNames: Array.from({ length: outputUnits }, (_, i) => `c${i}`),
    count: samples,
  };
}

/** The session's training step (train-loop.ts `trainStep` with its objective) over the first `batchSize` samples. */
function harness(graph: ModelGraph, samples: number, optimizerName: 'adam' | 'sgd'): Harness {
  const t = tracker!;
  const model = buildModel(graph);
  t.instrumentModel(model);
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const outputUnits = model.outputs[0].shape[1] as number;
  const spec = blobsSpec();
  spec.compile.loss = outputUnits === 1 ? 'binary_crossentropy' : 'categorical_crossentropy';
  const dataset = randomDataset(inputShape, outputUnits, samples);
  const objective = createObjective(model, spec, dataset);
  const data: DeviceData = t.withCategory('data', () => ({
    x: tf.tensor(dataset.x, [samples, ...inputShape]),
    y: tf.tensor2d(dataset.y, [samples, outputUnits]),
    labels: null,
    sampleWeight: null,
    count: samples,
  }));
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const sums = tf.tidy(() => tf.variable(tf.zeros([objective.size]), false));
  t.categorize(sums, 'other');
  const make = () => (optimizerName === 'adam' ? tf.train.adam(0.001) : tf.train.sgd(0.01));
  const h: Harness = {
    model,
    optimizer: make(),
    step(batchSize) {
      const order = tf.range(0, batchSize, 1, 'int32') as tf.Tensor1D;
      try {
        trainStep(
          { model, optimizer: h.optimizer, objective, train: data },
          trainable,
          sums,
          order,
          0,
          batchSize,
        );
      } finally {
        order.dispose();
      }
    },
    dispose() {
      tf.dispose([...deviceTensors(data), sums]);
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
