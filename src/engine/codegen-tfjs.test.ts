import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tfjsJavascript } from '../graph/codegen/tfjs-javascript';
import { summaryRows } from '../graph/summary';
import { TEMPLATES } from '../graph/templates';
import { graphOf } from '../graph/test-helpers';
import { connect, shareLayer } from '../graph/edit';
import type { ModelGraph } from '../graph/types';

/** The TF.js code Kiln shows, run as a user would paste it, builds the model Kiln's summary describes. */

let tensorsBefore = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
  vi.spyOn(console, 'log').mockImplementation(() => {}); // the generated code prints model.summary()
});
afterEach(() => {
  vi.restoreAllMocks();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

function run(code: string): tf.LayersModel {
  return new Function('tf', `${code}\nreturn model;`)(tf) as tf.LayersModel;
}

function expectSameAsKiln(graph: ModelGraph) {
  const table = summaryRows(graph);
  const model = run(tfjsJavascript(graph));
  try {
    expect(model.layers.map((l) => l.name).sort()).toEqual(table.rows.map((r) => r.name).sort());
    for (const row of table.rows) {
      const layer = model.getLayer(row.name);
      const last = layer.inboundNodes[layer.inboundNodes.length - 1].outputShapes;
      const shape = Array.isArray(last[0]) ? last[0] : last;
      expect(`(${(shape as (number | null)[]).map((d) => d ?? 'None').join(', ')})`, row.name).toBe(
        row.outputShape,
      );
      expect(layer.countParams(), row.name).toBe(row.params);
    }
    expect(model.countParams()).toBe(table.totals.trainable + table.totals.nonTrainable);
  } finally {
    // An optimizer passed as an object belongs to the caller, so model.dispose() leaves it.
    model.optimizer?.dispose();
    // tfjs counts every call of a shared layer as an owner (Kiln's buildModel corrects this; pasted code
    // does not), so its weights need one more dispose per extra call.
    const shared = model.layers.filter((l) => l.inboundNodes.length > 1);
    model.dispose();
    for (const layer of shared) for (let k = 1; k < layer.inboundNodes.length; k++) layer.dispose();
  }
}

describe('TF.js JavaScript', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))(
    '%s builds the model Kiln summarizes',
    (_id, template) => {
      expectSameAsKiln(template.build());
    },
  );

  it('maps the issue-4 kinds, Keras-only ones included, and shares a layer', () => {
    let g = graphOf(
      [
        ['img', 'InputLayer', { batch_shape: [null, 8, 8, 3] }],
        ['pad', 'ZeroPadding2D', { padding: [1, 0, 2, 1] }],
        ['crop', 'Cropping2D', { cropping: [1, 1] }],
        ['dw', 'DepthwiseConv2D', { depth_multiplier: 2, activation: 'hard_sigmoid' }],
        ['sep', 'SeparableConv2D', { filters: 4, padding: 'same' }],
        ['up', 'UpSampling2D', { interpolation: 'bilinear' }],
        ['tr', 'Conv2DTranspose', { filters: 3, strides: [2, 2] }],
        ['sd', 'SpatialDropout2D', { rate: 0.2 }],
        ['avg', 'AveragePooling2D', { pool_size: 3 }],
        ['gmp', 'GlobalMaxPooling2D'],
        ['seq', 'InputLayer', { batch_shape: [null, 6] }],
        ['emb', 'Embedding', { input_dim: 50, output_dim: 4 }],
        ['c1', 'Conv1D', { filters: 3, kernel_size: [2], padding: 'same' }],
        ['ln', 'LayerNormalization'],
        ['bi', 'Bidirectional', { layer: 'GRU', units: 3, return_sequences: true }],
        ['gru', 'GRU', { units: 3 }],
        ['rnn', 'SimpleRNN', { units: 3 }],
        ['sub', 'Subtract'],
        ['rep', 'RepeatVector', { n: 2 }],
        ['perm', 'Permute', { dims: [2, 1] }],
        ['flat', 'Flatten'],
        ['noise', 'GaussianNoise', { stddev: 0.2 }],
        ['leaky', 'LeakyReLU', { negative_slope: 0.1 }],
        ['relu', 'ReLU', { max_value: 6 }],
        ['mul', 'Multiply'],
        ['max', 'Maximum'],
        ['ave', 'Average'],
        ['soft', 'Softmax'],
        ['cat', 'Concatenate'],
        ['re', 'Reshape', { target_shape: [-1, 3] }],
        ['lstm', 'LSTM', { units: 2 }],
      ],
      [
        ['img', 'pad'],
        ['pad', 'crop'],
        ['crop', 'dw'],
        ['dw', 'sep'],
        ['sep', 'up'],
        ['up', 'tr'],
        ['tr', 'sd'],
        ['sd', 'avg'],
        ['avg', 'gmp'],
        ['seq', 'emb'],
        ['emb', 'c1'],
        ['c1', 'ln'],
        ['ln', 'bi'],
        ['bi', 'gru'],
        ['ln', 'rnn'],
        ['gru', 'sub', 0],
        ['rnn', 'sub', 1],
        ['sub', 'rep'],
        ['rep', 'perm'],
        ['perm', 'flat'],
        ['flat', 'noise'],
        ['noise', 'leaky'],
        ['noise', 'relu'],
        ['leaky', 'mul', 0],
        ['relu', 'mul', 1],
        ['leaky', 'max', 0],
        ['relu', 'max', 1],
        ['mul', 'ave', 0],
        ['max', 'ave', 1],
        ['ave', 'soft'],
        ['soft', 'cat', 0],
        ['gmp', 'cat', 1],
        ['cat', 're'],
        ['re', 'lstm'],
      ],
    );
    const shared = shareLayer(g, 'gru', { x: 0, y: 0 });
    if (!shared.ok) throw new Error(shared.reason);
    const linked = connect(shared.graph, 'bi', shared.node.id, 0);
    if (!linked.ok) throw new Error(linked.reason);
    g = linked.graph;
    expectSameAsKiln(g);
  });

  it('compiles the optimizer and fit options tfjs takes, and says which it lacks', async () => {
    const graph = TEMPLATES.find((t) => t.id === 'blobs-mlp')!.build();
    const code = tfjsJavascript(graph, {
      optimizer: 'sgd',
      learningRate: 0.1,
      optimizerArgs: { momentum: 0.9, nesterov: true, clipnorm: 1 },
      metrics: ['accuracy', 'precision', 'recall', { name: 'top_k_categorical_accuracy', k: 2 }],
      classWeight: { '0': 1, '1': 1, '2': 3 },
      validationFreq: 2,
      shuffle: false,
      epochs: 1,
    });
    expect(code).toContain('tf.train.momentum(0.1, 0.9, true)');
    expect(code).toContain("// tfjs's optimizers have no clipnorm");
    expect(code).toContain('// tfjs-layers 4.22 has no top_k_categorical_accuracy');
    expect(code).toContain('validation_freq=2');
    const { model, train } = new Function('tf', `${code}\nreturn { model, train };`)(tf) as {
      model: tf.LayersModel;
      train: (xs: tf.Tensor, ys: tf.Tensor) => Promise<tf.History>;
    };
    const xs = tf.randomNormal([8, 2]);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3));
    try {
      const optimizer = model.optimizer as tf.MomentumOptimizer;
      expect(optimizer.getClassName()).toBe('Momentum');
      expect(optimizer.getConfig()).toMatchObject({ momentum: 0.9, useNesterov: true });
      const history = await train(xs, ys);
      expect(Object.keys(history.history).sort()).toEqual(
        ['acc', 'loss', 'precision', 'recall', 'val_acc', 'val_loss', 'val_precision', 'val_recall'].sort(),
      );
    } finally {
      tf.dispose([xs, ys]);
      model.optimizer.dispose();
      // tfjs 4.22's MomentumOptimizer.dispose() skips SGDOptimizer's, leaving its −learning_rate scalar.
      (model.optimizer as unknown as { c: tf.Scalar }).c.dispose();
      model.dispose();
    }
  });

  it.each([
    ['adam', { beta_2: 0.99 }, 'tf.train.adam(0.001, 0.9, 0.99)'],
    ['rmsprop', { momentum: 0.5 }, 'tf.train.rmsprop(0.001, 0.9, 0.5)'],
    ['adagrad', { initial_accumulator_value: 0.2 }, 'tf.train.adagrad(0.001, 0.2)'],
    ['adadelta', {}, 'tf.train.adadelta(0.001)'],
    ['adamax', { epsilon: 1e-8 }, 'tf.train.adamax(0.001, 0.9, 0.999, 1e-8)'],
  ] as const)('writes %s positionally with Keras’s defaults filled in', (optimizer, optimizerArgs, call) => {
    const code = tfjsJavascript(TEMPLATES.find((t) => t.id === 'blobs-mlp')!.build(), {
      optimizer,
      optimizerArgs,
    });
    expect(code).toContain(call);
    const model = run(code);
    model.optimizer.dispose();
    model.dispose();
  });
});
