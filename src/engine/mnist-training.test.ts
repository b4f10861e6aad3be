import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPackedMnist } from '../../scripts/mnist-asset-plugin';
import { decodeMnist } from '../data/mnist';
import { runExperiment } from './run-experiment';
import { blobsSpec, mlp } from './testing';
import type { Dataset } from '../data/types';
import { defaultExperiment } from '../experiment/defaults';

let mnist: Dataset;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const packed = loadPackedMnist();
  mnist = decodeMnist(
    packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength) as ArrayBuffer,
    500,
  );
});

describe('training on real MNIST', () => {
  it('lowers the loss on 500 digits in 2 epochs (784-value input fed from [28,28,1] samples)', async () => {
    const spec = blobsSpec({ epochs: 2, batchSize: 32, readbackEvery: 5 });
    spec.data = { dataset: 'mnist', samples: 500, validationSplit: 0.1 };
    spec.compile = { optimizer: 'adam', learningRate: 0.003, loss: 'categorical_crossentropy' };
    const before = tf.memory().numTensors;
    const outcome = await runExperiment(
      spec,
      mnist,
      () => {},
      () => false,
      { build: () => mlp([784], 10, 64) },
    );
    expect(outcome.failure).toBeUndefined();
    expect(outcome.history).toHaveLength(2);
    const [first, second] = outcome.history;
    expect(second.loss).toBeLessThan(first.loss);
    expect(second.val_accuracy).toBeGreaterThan(0.5);
    expect(tf.memory().numTensors).toBe(before);
    console.info(
      `MNIST 450 train samples × 2 epochs on CPU: ${outcome.stats?.samplesPerSecond.toFixed(0)} samples/s`,
      outcome.history,
    );
  });

  it('trains the default experiment (template graph with Dropout) on 500 digits and lowers the loss', async () => {
    const spec = defaultExperiment();
    spec.data.samples = 500;
    spec.fit = { ...spec.fit, epochs: 2, batchSize: 32 };
    spec.backend = 'cpu';
    const before = tf.memory().numTensors;
    const outcome = await runExperiment(
      spec,
      mnist,
      () => {},
      () => false,
    );
    expect(outcome.failure).toBeUndefined();
    expect(outcome.history[1].loss).toBeLessThan(outcome.history[0].loss);
    expect(outcome.history[1].val_accuracy).toBeGreaterThan(0.5);
    expect(outcome.tensorsAfter).toBe(before);
    expect(tf.memory().numTensors).toBe(before);
    console.info(
      `default MNIST MLP, 450 samples × 2 epochs on CPU: ${outcome.stats?.samplesPerSecond.toFixed(0)} samples/s`,
      outcome.history,
    );
  });
});
