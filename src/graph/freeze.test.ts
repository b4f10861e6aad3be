import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze';
import { branchOf, nodeTrainable, setBranchTrainable } from './freeze';
import { shareLayer, updateConfig } from './edit';
import { validateArg } from './registry';
import { summary } from './summary';
import { kerasPython } from './codegen/keras-python';
import { tfjsJavascript } from './codegen/tfjs-javascript';
import { toKerasJson } from './formats/keras-json';
import { fromKerasJson } from './formats/keras-json-import';
import { graphOf } from './test-helpers';
import type { ModelGraph } from './types';

const INPUT = { batch_shape: [null, 8], dtype: 'float32' };

/** in → d1 → bn → d2, and a second output in → side. */
function graph(): ModelGraph {
  return graphOf(
    [
      ['in', 'InputLayer', INPUT],
      ['d1', 'Dense', { units: 4 }],
      ['bn', 'BatchNormalization'],
      ['d2', 'Dense', { units: 2 }],
      ['side', 'Dense', { units: 3 }],
    ],
    [
      ['in', 'd1'],
      ['d1', 'bn'],
      ['bn', 'd2'],
      ['in', 'side'],
    ],
  );
}

const frozen = (g: ModelGraph, id: string, value = false) => {
  const r = updateConfig(g, id, 'trainable', value);
  if (!r.ok) throw new Error(r.reason);
  return r.graph;
};

describe('trainable (freezing)', () => {
  it('is accepted as a bool on every kind but InputLayer', () => {
    expect(validateArg('Dense', 'trainable', false)).toBeNull();
    expect(validateArg('Flatten', 'trainable', true)).toBeNull();
    expect(validateArg('Dense', 'trainable', 'no')).toBe('trainable must be true or false');
    expect(validateArg('InputLayer', 'trainable', false)).toBe('InputLayer has no argument trainable');
  });

  it('moves a frozen layer’s params to non-trainable, BatchNormalization’s gamma and beta included', () => {
    const before = analyzeGraph(graph());
    expect(before.params.d1).toEqual({ trainable: 36, nonTrainable: 0 });
    expect(before.params.bn).toEqual({ trainable: 8, nonTrainable: 8 });
    const after = analyzeGraph(frozen(frozen(graph(), 'd1'), 'bn'));
    expect(after.errors).toEqual([]);
    expect(after.params.d1).toEqual({ trainable: 0, nonTrainable: 36 });
    expect(after.params.bn).toEqual({ trainable: 0, nonTrainable: 16 });
    expect(after.totals).toEqual({
      trainable: before.totals.trainable - 44,
      nonTrainable: before.totals.nonTrainable + 44,
    });
    expect(summary(frozen(graph(), 'd1'), 'm')).toMatch(/Non-trainable params: 44 /);
  });

  it('reports a trainable that is not a bool on the node', () => {
    const g = graph();
    g.nodes[1].config.trainable = 'no';
    expect(analyzeGraph(g).errors).toContainEqual(
      expect.objectContaining({ kind: 'invalid-arg', nodeId: 'd1', arg: 'trainable' }),
    );
  });

  it('makes a shared layer’s call sites follow the owner', () => {
    const shared = shareLayer(graph(), 'side', { x: 0, y: 0 });
    if (!shared.ok) throw new Error(shared.reason);
    const g = frozen(shared.graph, 'side');
    const call = g.nodes.find((n) => n.sharedWith === 'side')!;
    expect(nodeTrainable(g, call)).toBe(false);
  });

  it('round-trips through Keras JSON, trainable written on every layer', () => {
    const g = frozen(graph(), 'bn');
    const json = toKerasJson(g);
    const trainable = Object.fromEntries(json.config.layers.map((l) => [l.name, l.config.trainable]));
    expect(trainable).toEqual({ in: undefined, d1: true, bn: false, d2: true, side: true });
    const back = fromKerasJson(json);
    if (!back.ok) throw new Error(back.problems.join('; '));
    const byName = Object.fromEntries(back.graph.nodes.map((n) => [n.name, n.config]));
    expect(byName.bn.trainable).toBe(false);
    expect(byName.d1.trainable).toBeUndefined();
    expect(analyzeGraph(back.graph).totals).toEqual(analyzeGraph(g).totals);
  });

  it('freezes a Bidirectional wrapper and its wrapped layer in JSON and code', () => {
    const g = graphOf(
      [
        ['in', 'InputLayer', { batch_shape: [null, 5, 3], dtype: 'float32' }],
        ['bi', 'Bidirectional', { layer: 'LSTM', units: 4, trainable: false }],
      ],
      [['in', 'bi']],
    );
    const layer = toKerasJson(g).config.layers[1].config as { trainable: boolean; layer: { config: object } };
    expect(layer.trainable).toBe(false);
    expect(layer.layer.config).toMatchObject({ trainable: false });
    expect(kerasPython(g)).toMatch(/layers\.Bidirectional\(layers\.LSTM\(units=4\), trainable=False, name=/);
    expect(tfjsJavascript(g)).toMatch(/tf\.layers\.lstm\(\{ units: 4, trainable: false \}\)/);
  });

  it('emits the flag in Keras Python and TF.js code only for frozen layers', () => {
    const g = frozen(graph(), 'd1');
    const py = kerasPython(g);
    expect(py).toContain('layers.Dense(units=4, trainable=False, name="d1")');
    expect(py.match(/trainable/g)).toHaveLength(1);
    const js = tfjsJavascript(g);
    expect(js).toContain("tf.layers.dense({ units: 4, trainable: false, name: 'd1' })");
    expect(js.match(/trainable/g)).toHaveLength(1);
  });

  it('freezes a node and everything upstream of it, and unfreezing restores the graph', () => {
    const g = graph();
    expect([...branchOf(g, 'd2')].sort()).toEqual(['bn', 'd1', 'd2', 'in']);
    const f = setBranchTrainable(g, 'bn', false);
    const flags = Object.fromEntries(f.nodes.map((n) => [n.id, n.config.trainable]));
    expect(flags).toEqual({ in: undefined, d1: false, bn: false, d2: undefined, side: undefined });
    expect(analyzeGraph(f).totals.trainable).toBe(analyzeGraph(g).totals.trainable - 44);
    expect(setBranchTrainable(f, 'd2', true)).toEqual(g);
  });

  it('freezes every call site of a shared layer reached through one of them', () => {
    const shared = shareLayer(graph(), 'd1', { x: 0, y: 0 });
    if (!shared.ok) throw new Error(shared.reason);
    const call = shared.graph.nodes.find((n) => n.sharedWith === 'd1')!;
    const f = setBranchTrainable(shared.graph, call.id, false);
    expect(f.nodes.find((n) => n.id === 'd1')!.config.trainable).toBe(false);
    expect(f.nodes.find((n) => n.id === call.id)!.config.trainable).toBe(false);
    expect(f.nodes.find((n) => n.id === 'bn')!.config.trainable).toBeUndefined();
  });
});
