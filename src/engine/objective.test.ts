import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../data/blobs';
import type { Dataset } from '../data/types';
import type { ExperimentSpec } from '../experiment/spec';
import type { EpochLogs, TrainEvent } from '../experiment/protocol';
import { fillConfig } from '../graph';
import type { GraphEdge, GraphNode, LayerConfig, ModelGraph } from '../graph/types';
import { buildModel } from './build-model';
import { runExperiment } from './run-experiment';
import { blobsSpec, useCpuWithoutLeaks, recorder, withNodeConfig } from './testing';

useCpuWithoutLeaks();

const blobs = makeBlobs(256, 3);

async function train(spec: ExperimentSpec, dataset: Dataset = blobs, build = buildModel) {
  const { events, onEvent } = recorder();
  const outcome = await runExperiment(spec, dataset, onEvent, () => false, { build });
  expect(outcome.tensorsAfter).toBe(outcome.tensorsBefore);
  return { outcome, events, history: outcome.history };
}

function node(id: string, className: string, config: LayerConfig = {}): GraphNode {
  return { id, className, name: id, config: fillConfig(className, config), position: { x: 0, y: 0 } };
}
const edge = (source: string, target: string, targetSlot = 0): GraphEdge => ({
  id: `${source}->${target}`,
  source,
  target,
  targetSlot,
});

/** Blobs MLP with an auxiliary softmax head on the hidden layer: outputs out_a and out_b. */
function twoHeadGraph(): ModelGraph {
  return {
    nodes: [
      node('input', 'InputLayer', { batch_shape: [null, 2] }),
      node('hidden', 'Dense', { units: 16, activation: 'relu' }),
      node('out_a', 'Dense', { units: 3, activation: 'softmax' }),
      node('out_b', 'Dense', { units: 3, activation: 'softmax' }),
    ],
    edges: [edge('input', 'hidden'), edge('hidden', 'out_a'), edge('hidden', 'out_b')],
  };
}

/** Two inputs fed the same samples in two layouts ([2] and [2, 1]), concatenated. */
function twoInputGraph(secondShape: number[]): ModelGraph {
  return {
    nodes: [
      node('in_a', 'InputLayer', { batch_shape: [null, 2] }),
      node('in_b', 'InputLayer', { batch_shape: [null, ...secondShape] }),
      node('flat', 'Flatten'),
      node('merge', 'Concatenate'),
      node('head', 'Dense', { units: 3, activation: 'softmax' }),
    ],
    edges: [edge('in_b', 'flat'), edge('in_a', 'merge', 0), edge('flat', 'merge', 1), edge('merge', 'head')],
  };
}

const close = (a: EpochLogs[], b: EpochLogs[], key: string, digits: number) =>
  a.forEach((logs, i) => expect(logs[key]).toBeCloseTo(b[i][key]!, digits));

describe('the step objective in training', () => {
  it('from_logits on a linear output trains like softmax probabilities (Keras: the same loss but for ε)', async () => {
    const probabilities = await train(blobsSpec({ epochs: 2 }));
    const spec = blobsSpec({ epochs: 2 });
    spec.graph = withNodeConfig(spec.graph, 'dense_1', { activation: 'linear' });
    spec.compile.lossConfig = { name: 'categorical_crossentropy', from_logits: true };
    const logits = await train(spec);
    expect(logits.outcome.status).toBe('finished');
    close(logits.history, probabilities.history, 'loss', 4);
    close(logits.history, probabilities.history, 'val_loss', 4);
    // Accuracy is an argmax, the same over logits as over their softmax.
    close(logits.history, probabilities.history, 'accuracy', 6);
    expect(logits.history[1].loss).toBeLessThan(logits.history[0].loss);
  });

  it('sparse and one-hot categorical cross-entropy give identical runs on the same seed', async () => {
    const onehot = await train(blobsSpec({ epochs: 2 }));
    const spec = blobsSpec({ epochs: 2 });
    spec.compile.lossConfig = { name: 'sparse_categorical_crossentropy' };
    const sparse = await train(spec);
    expect(sparse.history).toEqual(onehot.history);
    expect(Object.keys(sparse.history[0]).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  });

  it("class weights scale each sample's loss by its class weight, divided by the batch (Keras's formula)", async () => {
    // Four samples, one step: the epoch's loss is the first step's, computed from the initial weights.
    const x = new Float32Array([1, 0, 0, 1, -1, 0.5, 0.2, -0.7]);
    const y = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
    const tiny: Dataset = { name: 'tiny', x, sampleShape: [2], y, classNames: ['A', 'B', 'C'], count: 4 };
    const spec = blobsSpec({ epochs: 1, batchSize: 4, shuffle: false, classWeight: { '0': 2, '2': 0.5 } });
    spec.data = { dataset: 'blobs', samples: 8, validationSplit: 0 };
    let probabilities: number[][] = [];
    const capture = (graph: ModelGraph) => {
      const model = buildModel(graph);
      probabilities = tf.tidy(
        () => (model.predict(tf.tensor2d(x, [4, 2])) as tf.Tensor).arraySync() as number[][],
      );
      return model;
    };
    const { history } = await train(spec, tiny, capture);
    const classOf = [0, 1, 2, 0];
    const weightOf = [2, 1, 0.5];
    const expected =
      classOf.reduce((sum, c, i) => sum + weightOf[c] * -Math.log(probabilities[i][c]), 0) / classOf.length;
    expect(history[0].loss).toBeCloseTo(expected, 5);

    const unweighted = { ...spec, fit: { ...spec.fit, classWeight: undefined } };
    const plain = await train(unweighted, tiny);
    const mean = classOf.reduce((sum, c, i) => sum - Math.log(probabilities[i][c]), 0) / 4;
    expect(plain.history[0].loss).toBeCloseTo(mean, 5);
  });

  it('a two-output model logs out_a_loss, out_b_loss, and loss = Σ weight · loss; metrics per output', async () => {
    const spec = blobsSpec({ epochs: 2 });
    spec.graph = twoHeadGraph();
    spec.compile.lossWeights = { out_a: 1, out_b: 0.3 };
    const { outcome, history } = await train(spec);
    expect(outcome.status).toBe('finished');
    expect(Object.keys(history[0]).sort()).toEqual(
      [
        'loss',
        'out_a_accuracy',
        'out_a_loss',
        'out_b_accuracy',
        'out_b_loss',
        'val_loss',
        'val_out_a_accuracy',
        'val_out_a_loss',
        'val_out_b_accuracy',
        'val_out_b_loss',
      ].sort(),
    );
    for (const logs of history) {
      expect(logs.loss).toBeCloseTo(logs.out_a_loss! + 0.3 * logs.out_b_loss!, 5);
      expect(logs.val_loss).toBeCloseTo(logs.val_out_a_loss! + 0.3 * logs.val_out_b_loss!, 5);
    }
    expect(history[1].out_a_loss).toBeLessThan(history[0].out_a_loss!);
  });

  it('an output the loss dict leaves untrained (null) gets no loss, no metrics and no loss check', async () => {
    const spec = blobsSpec({ epochs: 1 });
    // A linear 5-unit head would be refused under categorical cross-entropy, and its width fits no labels.
    spec.graph = withNodeConfig(twoHeadGraph(), 'out_b', { units: 5, activation: 'linear' });
    spec.compile.outputLosses = { out_a: { name: 'categorical_crossentropy' }, out_b: null };
    const { outcome, history } = await train(spec);
    expect(outcome.status).toBe('finished');
    expect(Object.keys(history[0]).sort()).toEqual([
      'loss',
      'out_a_accuracy',
      'val_loss',
      'val_out_a_accuracy',
    ]);
  });

  it('a multi-input model gets the samples in each input’s layout; a size mismatch names the input', async () => {
    const spec = blobsSpec({ epochs: 2 });
    spec.graph = twoInputGraph([2, 1]);
    const { outcome, history } = await train(spec);
    expect(outcome.status).toBe('finished');
    expect(history[1].loss).toBeLessThan(history[0].loss);

    const wrong = blobsSpec({ epochs: 1 });
    wrong.graph = twoInputGraph([3, 1]);
    const failed = await train(wrong);
    expect(failed.outcome.failure?.kind).toBe('data');
    expect(failed.outcome.failure?.message).toMatch(/input 'in_b' expects samples of shape \[3, 1\].*\[2\]/);
  });

  it('an output whose width is not the class count is a data failure naming it', async () => {
    const spec = blobsSpec({ epochs: 1 });
    spec.graph = withNodeConfig(twoHeadGraph(), 'out_b', { units: 4 });
    const { outcome } = await train(spec);
    expect(outcome.failure?.kind).toBe('data');
    expect(outcome.failure?.message).toMatch(/output 'out_b' has 4 units, but blobs has 3 classes/);
  });

  it('the metrics list logs each metric, equal to a direct computation over the epoch', async () => {
    // One step per epoch: the epoch's metrics are those of the initial weights' predictions.
    const spec = blobsSpec({ epochs: 1, batchSize: 256 });
    spec.data.validationSplit = 0;
    spec.compile.metrics = [
      { name: 'accuracy' },
      { name: 'precision' },
      { name: 'recall', threshold: 0.3 },
      { name: 'top_k_categorical_accuracy', k: 2 },
      { name: 'mae' },
    ];
    let p: number[][] = [];
    const capture = (graph: ModelGraph) => {
      const model = buildModel(graph);
      p = tf.tidy(
        () => (model.predict(tf.tensor2d(blobs.x, [256, 2])) as tf.Tensor).arraySync() as number[][],
      );
      return model;
    };
    const { history } = await train(spec, blobs, capture);
    const t = Array.from({ length: 256 }, (_, i) => Array.from(blobs.y.subarray(i * 3, i * 3 + 3)));
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    let correct = 0;
    let top2 = 0;
    let tp = 0;
    let fp = 0;
    let tp3 = 0;
    let fn3 = 0;
    let absError = 0;
    p.forEach((row, i) => {
      const c = argmax(t[i]);
      if (argmax(row) === c) correct++;
      if (row.filter((v) => v > row[c]).length < 2) top2++;
      row.forEach((v, j) => {
        const actual = t[i][j] === 1;
        if (v > 0.5 && actual) tp++;
        if (v > 0.5 && !actual) fp++;
        if (v > 0.3 && actual) tp3++;
        if (!(v > 0.3) && actual) fn3++;
        absError += Math.abs(v - t[i][j]);
      });
    });
    const logs = history[0];
    expect(Object.keys(logs).sort()).toEqual(
      ['accuracy', 'loss', 'mae', 'precision', 'recall', 'top_k_categorical_accuracy'].sort(),
    );
    expect(logs.accuracy).toBeCloseTo(correct / 256, 6);
    expect(logs.top_k_categorical_accuracy).toBeCloseTo(top2 / 256, 6);
    expect(logs.precision).toBeCloseTo(tp + fp === 0 ? 0 : tp / (tp + fp), 6);
    expect(logs.recall).toBeCloseTo(tp3 / (tp3 + fn3), 6);
    expect(logs.mae).toBeCloseTo(absError / (256 * 3), 5);
  });

  it('validationFreq=2 validates on even epochs only; a val_ monitor warns on the others, as Keras does', async () => {
    const spec = blobsSpec({
      epochs: 4,
      validationFreq: 2,
      callbacks: [{ name: 'EarlyStopping', monitor: 'val_loss', patience: 10 }],
    });
    const { history, events } = await train(spec);
    expect(history.map((logs) => 'val_loss' in logs)).toEqual([false, true, false, true]);
    expect(history.map((logs) => 'val_accuracy' in logs)).toEqual([false, true, false, true]);
    const warnings = events.filter(
      (e): e is Extract<TrainEvent, { type: 'callback' }> =>
        e.type === 'callback' && e.event.type === 'warning',
    );
    expect(warnings.map((w) => w.epoch)).toEqual([1, 3]);

    const listed = await train(blobsSpec({ epochs: 3, validationFreq: [1, 3] }));
    expect(listed.history.map((logs) => logs.val_loss !== undefined)).toEqual([true, false, true]);
  });

  it('class weights on a two-output model are refused, as Keras refuses them', async () => {
    const spec = blobsSpec({ epochs: 1, classWeight: { '0': 2 } });
    spec.graph = twoHeadGraph();
    const { outcome } = await train(spec);
    expect(outcome.failure?.kind).toBe('spec');
    expect(outcome.failure?.message).toMatch(/single output/);
  });
});
