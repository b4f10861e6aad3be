import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphValidationError, buildModel } from './build-model';
import { analyzeGraph } from '../graph/analyze';
import { shareLayer, connect } from '../graph/edit';
import { summary, summaryRows } from '../graph/summary';
import { TEMPLATES } from '../graph/templates';
import { graphOf } from '../graph/test-helpers';
import type { ModelGraph } from '../graph/types';

/** Issue 4: every template, shared layers, several outputs and the kinds tfjs lacks, built for real. */

let tensorsBefore = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

function must<T>(r: ({ ok: true; graph: ModelGraph } & T) | { ok: false; reason: string }) {
  if (!r.ok) throw new Error(r.reason);
  return r;
}

/** in(10) → shared Dense 4 twice (on in and on a Dense 10 of it) → Concatenate: one kernel, two calls. */
function sharedGraph(): ModelGraph {
  const base = graphOf(
    [
      ['in', 'InputLayer', { batch_shape: [null, 10] }],
      ['pre', 'Dense', { units: 10 }],
      ['shared', 'Dense', { units: 4, activation: 'relu' }],
      ['cat', 'Concatenate'],
    ],
    [
      ['in', 'pre'],
      ['in', 'shared'],
      ['shared', 'cat', 0],
    ],
  );
  const r = must(shareLayer(base, 'shared', { x: 0, y: 100 }));
  const linked = must(connect(r.graph, 'pre', r.node.id, 0));
  return must(connect(linked.graph, r.node.id, 'cat', 1)).graph;
}

describe('templates build in tfjs as Kiln summarizes them', () => {
  it.each(TEMPLATES.map((t) => [t.label, t] as const))('%s', (_label, template) => {
    const graph = template.build();
    const table = summaryRows(graph);
    const model = buildModel(graph);
    try {
      expect(model.countParams()).toBe(table.totals.trainable + table.totals.nonTrainable);
      for (const row of table.rows) expect(model.getLayer(row.name).countParams(), row.name).toBe(row.params);
    } finally {
      model.dispose();
    }
  });
});

describe('shared layers', () => {
  it('count their weights once and apply one tfjs layer at both call sites', () => {
    const graph = sharedGraph();
    const analysis = analyzeGraph(graph);
    expect(analysis.errors).toEqual([]);
    expect(analysis.totals.trainable).toBe(110 + 44);
    const model = buildModel(graph);
    try {
      expect(model.countParams()).toBe(154);
      const layer = model.getLayer('shared');
      expect(layer.inboundNodes).toHaveLength(2);
      expect(model.layers.filter((l) => l.name === 'shared')).toHaveLength(1);
      // Same weights at both calls: feeding the identity through `pre` makes the two halves equal.
      tf.tidy(() => model.getLayer('pre').setWeights([tf.eye(10), tf.zeros([10])]));
      const y = tf.tidy(() => model.predict(tf.randomNormal([2, 10])) as tf.Tensor);
      const [a, b] = tf.split(y, 2, 1);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      tf.dispose([y, a, b]);
    } finally {
      model.dispose();
    }
  });

  it('are listed once by the summary with every call in "Connected to"', () => {
    const rows = summaryRows(sharedGraph()).rows;
    expect(rows.map((r) => r.name)).toEqual(['in', 'pre', 'shared', 'cat']);
    expect(rows.find((r) => r.name === 'shared')!.connectedTo).toEqual(['in[0][0]', 'pre[0][0]']);
    expect(rows.find((r) => r.name === 'cat')!.connectedTo).toEqual(['shared[0][0]', 'shared[1][0]']);
    expect(summary(sharedGraph())).toContain(' Total params: 154 (616.00 B)');
  });

  it('refuse a call whose input needs other weights, on that call', () => {
    const g = sharedGraph();
    g.nodes.find((n) => n.id === 'pre')!.config.units = 7;
    const call = g.nodes.find((n) => n.sharedWith)!;
    expect(analyzeGraph(g).errors).toEqual([
      expect.objectContaining({
        kind: 'shared-layer',
        nodeId: call.id,
        message: expect.stringMatching(/\(None, 7\)/),
      }),
    ]);
  });
});

describe('several outputs', () => {
  it('builds every head in graph.outputs order, with per-output losses as metadata', () => {
    const g = graphOf(
      [
        ['in', 'InputLayer', { batch_shape: [null, 8] }],
        ['trunk', 'Dense', { units: 16, activation: 'relu' }],
        ['cls', 'Dense', { units: 3, activation: 'softmax' }],
        ['reg', 'Dense', { units: 1 }],
      ],
      [
        ['in', 'trunk'],
        ['trunk', 'cls'],
        ['trunk', 'reg'],
      ],
    );
    g.outputs = [
      { nodeId: 'reg', loss: 'mean_squared_error', lossWeight: 0.5 },
      { nodeId: 'cls', loss: 'categorical_crossentropy' },
    ];
    expect(analyzeGraph(g).outputs).toEqual(['reg', 'cls']);
    const model = buildModel(g);
    try {
      expect(model.outputs.map((t) => t.shape)).toEqual([
        [null, 1],
        [null, 3],
      ]);
    } finally {
      model.dispose();
    }
    g.outputs = [{ nodeId: 'trunk', loss: 'hinge' }];
    expect(analyzeGraph(g).errors.map((e) => e.kind)).toEqual(['invalid-output', 'invalid-output']);
  });
});

describe('kinds tfjs-layers 4.22 lacks or limits', () => {
  it('adds Subtract and SpatialDropout2D, which run', () => {
    const g = graphOf(
      [
        ['in', 'InputLayer', { batch_shape: [null, 4, 4, 2] }],
        ['drop', 'SpatialDropout2D', { rate: 0.5 }],
        ['two', 'Rescaling', { scale: 2, offset: 0 }],
        ['sub', 'Subtract'],
      ],
      [
        ['in', 'drop'],
        ['in', 'two'],
        ['two', 'sub', 0],
        ['drop', 'sub', 1],
      ],
    );
    const model = buildModel(g);
    const y = tf.tidy(() => model.predict(tf.ones([1, 4, 4, 2])) as tf.Tensor);
    // At inference SpatialDropout2D is the identity, so 2x − x = x.
    expect(Array.from(y.dataSync())).toEqual(new Array(32).fill(1));
    y.dispose();
    model.dispose();
  });

  it('refuses, before allocating, configs tfjs cannot run', () => {
    const g = graphOf(
      [
        ['in', 'InputLayer', { batch_shape: [null, 5, 3] }],
        ['gru', 'GRU', { units: 2, reset_after: true }],
      ],
      [['in', 'gru']],
    );
    expect(analyzeGraph(g).errors).toEqual([]);
    expect(() => buildModel(g)).toThrow(GraphValidationError);
    expect(() => buildModel(g)).toThrow(/reset_after=False/);
  });
});
