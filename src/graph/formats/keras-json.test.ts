import { describe, expect, it } from 'vitest';
import { toKerasJson } from './keras-json';
import { fromKerasJson } from './keras-json-import';
import { TEMPLATES } from '../templates';
import { analyzeGraph } from '../analyze';
import { summaryRows } from '../summary';
import { connect, shareLayer } from '../edit';
import type { ModelGraph } from '../types';

function imported(json: unknown): ModelGraph {
  const r = fromKerasJson(json);
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.graph;
}

/** What must survive a round trip: Keras's view of the model (names, kinds, shapes, params, wiring). */
function kerasView(graph: ModelGraph) {
  const a = analyzeGraph(graph);
  return {
    errors: a.errors,
    totals: a.totals,
    rows: summaryRows(graph, a).rows.map(({ nodeId: _id, ...r }) => r),
  };
}

/** A Keras 3 `model.to_json()` (keras 3.x layout): a shared Dense called on two inputs, then Add. */
const KERAS3 = {
  module: 'keras.src.models.functional',
  class_name: 'Functional',
  config: {
    name: 'siamese',
    trainable: true,
    layers: [
      {
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: { batch_shape: [null, 5], dtype: 'float32', sparse: false, name: 'left' },
        registered_name: null,
        name: 'left',
        inbound_nodes: [],
      },
      {
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: { batch_shape: [null, 5], dtype: 'float32', sparse: false, name: 'right' },
        registered_name: null,
        name: 'right',
        inbound_nodes: [],
      },
      {
        module: 'keras.layers',
        class_name: 'Dense',
        config: {
          name: 'embed',
          trainable: true,
          dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } },
          units: 3,
          activation: 'relu',
          use_bias: true,
          kernel_initializer: {
            module: 'keras.initializers',
            class_name: 'GlorotUniform',
            config: { seed: null },
          },
        },
        registered_name: null,
        build_config: { input_shape: [null, 5] },
        name: 'embed',
        inbound_nodes: [
          {
            args: [
              {
                class_name: '__keras_tensor__',
                config: { shape: [null, 5], dtype: 'float32', keras_history: ['left', 0, 0] },
              },
            ],
            kwargs: {},
          },
          {
            args: [
              {
                class_name: '__keras_tensor__',
                config: { shape: [null, 5], dtype: 'float32', keras_history: ['right', 0, 0] },
              },
            ],
            kwargs: {},
          },
        ],
      },
      {
        module: 'keras.layers',
        class_name: 'Subtract',
        config: { name: 'diff', trainable: true },
        registered_name: null,
        name: 'diff',
        inbound_nodes: [
          {
            args: [
              [
                {
                  class_name: '__keras_tensor__',
                  config: { shape: [null, 3], dtype: 'float32', keras_history: ['embed', 0, 0] },
                },
                {
                  class_name: '__keras_tensor__',
                  config: { shape: [null, 3], dtype: 'float32', keras_history: ['embed', 1, 0] },
                },
              ],
            ],
            kwargs: {},
          },
        ],
      },
      {
        module: 'keras.layers',
        class_name: 'LeakyReLU',
        config: { name: 'leaky', trainable: true, negative_slope: 0.2 },
        registered_name: null,
        name: 'leaky',
        inbound_nodes: [
          {
            args: [
              {
                class_name: '__keras_tensor__',
                config: { shape: [null, 3], dtype: 'float32', keras_history: ['diff', 0, 0] },
              },
            ],
            kwargs: {},
          },
        ],
      },
    ],
    input_layers: [
      ['left', 0, 0],
      ['right', 0, 0],
    ],
    output_layers: [['leaky', 0, 0]],
  },
  registered_name: 'Functional',
};

describe('model.json', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s survives graph → json → graph', (_id, template) => {
    const graph = template.build();
    const json = JSON.parse(JSON.stringify(toKerasJson(graph)));
    const back = imported({ modelTopology: json, weightsManifest: [] });
    expect(kerasView(back)).toEqual(kerasView(graph));
    expect(new Set(back.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(back.nodes.length);
  });

  it('writes a shared layer once with one inbound node per call, and reads it back as call sites', () => {
    let g = TEMPLATES.find((t) => t.id === 'binary-classifier')!.build();
    const r = shareLayer(g, 'dense_1', { x: 0, y: 0 });
    if (!r.ok) throw new Error(r.reason);
    const c = connect(r.graph, 'dense_1', r.node.id, 0);
    if (!c.ok) throw new Error(c.reason);
    g = c.graph;
    g.nodes.find((n) => n.id === 'dense_1')!.config.units = 64;
    g.nodes.find((n) => n.id === r.node.id)!.config.units = 64;
    g.nodes.find((n) => n.id === 'dense_2')!.config.units = 1;
    const json = toKerasJson(g);
    const dense1 = json.config.layers.find((l) => l.name === 'dense_1')!;
    expect(dense1.inbound_nodes).toEqual([[['dropout', 0, 0, {}]], [['dense_1', 0, 0, {}]]]);
    expect(json.config.output_layers).toEqual([
      ['dense_2', 0, 0],
      ['dense_1', 1, 0],
    ]);
    const back = imported(json);
    expect(back.nodes.find((n) => n.id === 'dense_1~1')).toMatchObject({
      sharedWith: 'dense_1',
      name: 'dense_1',
    });
    expect(kerasView(back)).toEqual(kerasView(g));
  });

  it('imports Keras 3 to_json with keras_history, shared calls and merge args', () => {
    const g = imported(KERAS3);
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([]);
    expect(a.totals.trainable).toBe(18);
    expect(g.nodes.find((n) => n.name === 'leaky')!.config.negative_slope).toBe(0.2);
    expect(summaryRows(g, a).rows.find((r) => r.name === 'diff')!.connectedTo).toEqual([
      'embed[0][0]',
      'embed[1][0]',
    ]);
  });

  it('lists every unknown kind in one error and imports nothing', () => {
    const json = structuredClone(KERAS3);
    json.config.layers[2].class_name = 'EinsumDense';
    json.config.layers[4].class_name = 'TFOpLambda';
    const r = fromKerasJson(JSON.stringify(json));
    expect(r).toEqual({
      ok: false,
      problems: ['Kiln does not know these layer kinds: EinsumDense, TFOpLambda. Nothing was imported.'],
    });
    expect(fromKerasJson('{"nope": 1}')).toMatchObject({ ok: false });
  });

  it('imports a Sequential model, adding the Input tfjs leaves implicit', () => {
    const g = imported({
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          {
            class_name: 'Dense',
            config: { name: 'd1', units: 4, activation: 'relu', batch_input_shape: [null, 3] },
          },
          { class_name: 'Dense', config: { name: 'd2', units: 1, activation: 'hardSigmoid' } },
        ],
      },
    });
    expect(analyzeGraph(g).totals.trainable).toBe(16 + 5);
    expect(g.nodes.map((n) => n.config.activation ?? n.className)).toEqual([
      'InputLayer',
      'relu',
      'hard_sigmoid',
    ]);
  });
});
