import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphValidationError, NormalizationLayer, buildModel } from './build-model';
import { analyzeGraph } from '../graph/analyze';
import { binaryClassifierGraph, blobsMlpGraph, mnistMlpGraph, multimodalGraph } from '../graph/templates';
import { graphOf } from '../graph/test-helpers';
import type { ModelGraph } from '../graph/types';

let tensorsBefore = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  // Assert no memory leak: every model a test builds must be disposed.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

function counts(model: tf.LayersModel) {
  const size = (ws: tf.LayerVariable[]) =>
    ws.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
  return { trainable: size(model.trainableWeights), nonTrainable: size(model.nonTrainableWeights) };
}

describe('buildModel', () => {
  it.each([
    ['binary classifier', binaryClassifierGraph(), 2817],
    ['multimodal', multimodalGraph(), 7905],
    ['mnist mlp', mnistMlpGraph(), 101770],
    ['blobs mlp', blobsMlpGraph(), 99],
  ])('builds the %s template with the same names, shapes and params', (_label, graph: ModelGraph, total) => {
    const model = buildModel(graph);
    try {
      expect(model.countParams()).toBe(total);
      const analysis = analyzeGraph(graph);
      for (const node of graph.nodes)
        expect(model.getLayer(node.name).outputShape).toEqual(analysis.shapes[node.id]);
      expect(model.inputs.map((t) => t.shape)).toEqual(analysis.inputs.map((id) => analysis.shapes[id]));
    } finally {
      model.dispose();
    }
  });

  it('runs a forward pass on a multi-input model', () => {
    const model = buildModel(multimodalGraph());
    const out = tf.tidy(() => model.predict([tf.zeros([1, 224, 224, 3]), tf.zeros([1, 10])]) as tf.Tensor);
    expect(out.shape).toEqual([1, 1]);
    out.dispose();
    model.dispose();
  });

  it('throws GraphValidationError with the analysis errors, allocating nothing', () => {
    const g = blobsMlpGraph();
    g.nodes[1].config.units = 0;
    let caught: unknown;
    try {
      buildModel(g);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GraphValidationError);
    const err = caught as GraphValidationError;
    expect(err.name).toBe('GraphValidationError');
    expect(err.errors).toEqual([
      expect.objectContaining({ kind: 'invalid-arg', nodeId: 'dense', arg: 'units' }),
    ]);
    expect(err.message).toMatch(/units must be an integer ≥ 1/);
  });

  it('maps every kind to tfjs, including Keras-only Normalization', () => {
    const g = graphOf(
      [
        ['img', 'InputLayer', { batch_shape: [null, 8, 8, 3] }],
        ['scale', 'Rescaling', { scale: 0.5, offset: 1 }],
        [
          'conv',
          'Conv2D',
          { filters: 4, kernel_size: 3, strides: [2, 2], padding: 'same', activation: 'hard_sigmoid' },
        ],
        ['bn', 'BatchNormalization'],
        ['pool', 'MaxPooling2D', { padding: 'same' }],
        ['act', 'Activation', { activation: 'gelu' }],
        ['gap', 'GlobalAveragePooling2D'],
        ['flat', 'Flatten'],
        ['norm', 'Normalization'],
        ['re', 'Reshape', { target_shape: [2, -1] }],
        ['re2', 'Reshape', { target_shape: [16] }],
        ['sum', 'Add'],
        ['cat', 'Concatenate'],
        ['out', 'Dense', { units: 2, activation: 'softmax' }],
      ],
      [
        ['img', 'scale'],
        ['scale', 'conv'],
        ['conv', 'bn'],
        ['bn', 'pool'],
        ['pool', 'act'],
        ['act', 'gap'],
        ['act', 'flat'],
        ['flat', 'norm'],
        ['norm', 're'],
        ['re', 're2'],
        ['re2', 'sum', 0],
        ['flat', 'sum', 1],
        ['sum', 'cat', 0],
        ['gap', 'cat', 1],
        ['cat', 'out'],
      ],
    );
    const analysis = analyzeGraph(g);
    expect(analysis.errors).toEqual([]);
    const model = buildModel(g);
    try {
      expect(counts(model)).toEqual(analysis.totals);
      expect(model.getLayer('norm')).toBeInstanceOf(NormalizationLayer);
      const y = tf.tidy(() => model.predict(tf.ones([3, 8, 8, 3])) as tf.Tensor);
      expect(y.shape).toEqual([3, 2]);
      y.dispose();
    } finally {
      model.dispose();
    }
  });

  it('adapts Normalization to data and standardizes with it', () => {
    const g = graphOf(
      [
        ['x', 'InputLayer', { batch_shape: [null, 2] }],
        ['norm', 'Normalization'],
      ],
      [['x', 'norm']],
    );
    const model = buildModel(g);
    const layer = model.getLayer('norm') as NormalizationLayer;
    const data = tf.tensor2d([
      [0, 10],
      [2, 30],
    ]);
    layer.adapt(data);
    const out = model.predict(data) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual([-1, -1, 1, 1]);
    const [, , count] = layer.getWeights();
    expect(count.dataSync()[0]).toBe(2);
    tf.dispose([data, out]);
    model.dispose();
  });
});

describe('buildModel leaves the graph alone', () => {
  it('does not let tfjs rewrite config arrays (Reshape turns -1 into null in place)', () => {
    const g = graphOf(
      [
        ['x', 'InputLayer', { batch_shape: [null, 4, 3] }],
        ['r', 'Reshape', { target_shape: [-1] }],
        ['c', 'Dense', { units: 2 }],
      ],
      [
        ['x', 'r'],
        ['r', 'c'],
      ],
    );
    const before = JSON.stringify(g);
    buildModel(g).dispose();
    expect(JSON.stringify(g)).toBe(before);
  });
});
