import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ResourceExhaustedError } from './oom-error';
import { MemoryTracker } from './tracker';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let tracker: MemoryTracker | null = null;
afterEach(() => {
  tracker?.uninstall();
  tracker = null;
});

function smallModel(): tf.LayersModel {
  const input = tf.input({ shape: [8] });
  const hidden = tf.layers.dense({ units: 16, activation: 'relu', name: 'hidden' }).apply(input);
  const output = tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(hidden);
  return tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
}

function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): void {
  const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor), true);
  cost?.dispose();
}

describe('MemoryTracker', () => {
  it('counts weights, optimizer state and step temporaries by category, per buffer', () => {
    const before = tf.memory().numTensors;
    tracker = new MemoryTracker();
    tracker.install();
    const model = smallModel();
    tracker.instrumentModel(model);
    const optimizer = tf.train.adam(0.01);
    const x = tracker.withCategory('data', () => tf.randomNormal([4, 8]));
    const y = tracker.withCategory('data', () =>
      tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2)),
    );

    const weightBytes = (8 * 16 + 16 + 16 * 2 + 2) * 4;
    expect(tracker.snapshot().byCategory.weights.bytes).toBe(weightBytes);

    for (let i = 0; i < 3; i++) {
      tracker.beginStep();
      trainStep(model, optimizer, x, y);
      const report = tracker.endStep();
      expect(report.peakBytes).toBeGreaterThan(report.liveBytes);
    }
    const snapshot = tracker.snapshot();
    expect(snapshot.byCategory.weights.bytes).toBe(weightBytes);
    // Adam keeps two slots per weight (plus two scalar powers).
    expect(snapshot.byCategory.optimizer.bytes).toBeGreaterThanOrEqual(2 * weightBytes);
    expect(snapshot.byCategory.activations.bytes).toBe(0);
    expect(snapshot.leaks).toEqual([]);
    expect(Object.keys(snapshot.layerBytes).sort()).toEqual(['head', 'hidden']);

    x.dispose();
    y.dispose();
    model.dispose();
    optimizer.dispose();
    tracker.uninstall();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the op and shape of a planted leak', () => {
    const before = tf.memory().numTensors;
    tracker = new MemoryTracker();
    tracker.install();
    const model = smallModel();
    tracker.instrumentModel(model);
    const optimizer = tf.train.sgd(0.1);
    const x = tf.randomNormal([4, 8]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2));
    const leaked: tf.Tensor[] = [];
    for (let i = 0; i < 4; i++) {
      tracker.beginStep();
      trainStep(model, optimizer, x, y);
      // The classic mistake: accuracy computed outside tidy and never disposed.
      const probabilities = model.predict(x) as tf.Tensor;
      leaked.push(probabilities, tf.argMax(probabilities, 1));
      tracker.endStep();
    }
    const leaks = tracker.snapshot().leaks;
    expect(leaks.some((leak) => leak.op === 'ArgMax' && leak.shape.join() === '4')).toBe(true);
    expect(leaks.some((leak) => leak.layer === 'head' && leak.shape.join() === '4,2')).toBe(true);
    // Only the two leaked tensors of each step but the last are reported; nothing legitimate is.
    expect(leaks).toHaveLength(6);

    tf.dispose(leaked);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
    tracker.uninstall();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails at the allocation that crosses the budget and leaves nothing behind', () => {
    tracker = new MemoryTracker();
    tracker.install();
    const model = smallModel();
    tracker.instrumentModel(model);
    const optimizer = tf.train.sgd(0.1);
    const x = tf.randomNormal([512, 8]);
    const y = tf.tidy(() => tf.oneHot(tf.fill([512], 0, 'int32') as tf.Tensor1D, 2));
    const weightsBefore = model.getWeights().map((w) => w.arraySync());
    const tensorsBefore = tf.memory().numTensors;
    const live = tracker.snapshot().liveBytes;
    // Room for the first activation [512,16] but not for the rest of the step.
    tracker.setBudget(live + 512 * 16 * 4 + 100);

    tracker.beginStep();
    let error: unknown = null;
    try {
      trainStep(model, optimizer, x, y);
    } catch (e) {
      error = e;
    }
    tracker.abortStep();

    expect(error).toBeInstanceOf(ResourceExhaustedError);
    const facts = (error as ResourceExhaustedError).facts;
    expect(facts.shape).toEqual([512, 16]);
    expect(facts.layer).toBe('hidden');
    expect((error as Error).message).toMatch(
      /^OOM when allocating tensor with shape\[512,16\] and type float32 on cpu/,
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(model.getWeights().map((w) => w.arraySync())).toEqual(weightsBefore);

    tracker.uninstall();
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });

  it('counts a variable a step assigns as optimizer state, unless categorized (the loop’s running sums)', () => {
    const before = tf.memory().numTensors;
    tracker = new MemoryTracker();
    tracker.install();
    const running = tf.tidy(() => tf.variable(tf.zeros([4]), false));
    const sums = tf.tidy(() => tf.variable(tf.zeros([3]), false));
    tracker.categorize(sums, 'other');
    tracker.beginStep();
    tf.tidy(() => {
      running.assign(tf.add(running, 1));
      sums.assign(tf.add(sums, 1));
    });
    tracker.endStep();
    const { byCategory } = tracker.snapshot();
    expect(byCategory.optimizer.bytes).toBe(4 * 4);
    expect(byCategory.other.bytes).toBe(3 * 4);
    tracker.uninstall();
    tf.dispose([running, sums]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
