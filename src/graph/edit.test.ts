import { describe, expect, it } from 'vitest';
import type { ModelGraph } from './types';
import {
  addNode,
  connect,
  disconnect,
  moveNode,
  removeNode,
  renameNode,
  shareLayer,
  snakeCase,
  updateConfig,
} from './edit';
import { analyzeGraph } from './analyze';
import { binaryClassifierGraph, blobsMlpGraph, mnistMlpGraph, multimodalGraph } from './templates';

function must(r: { ok: true; graph: ModelGraph } | { ok: false; reason: string }): ModelGraph {
  if (!r.ok) throw new Error(r.reason);
  return r.graph;
}

describe('edit', () => {
  it('names layers like Keras and keeps ids unique', () => {
    expect(
      ['Conv2D', 'MaxPooling2D', 'GlobalAveragePooling2D', 'BatchNormalization', 'InputLayer'].map(snakeCase),
    ).toEqual(['conv2d', 'max_pooling2d', 'global_average_pooling2d', 'batch_normalization', 'input_layer']);
    let g: ModelGraph = { nodes: [], edges: [] };
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = addNode(g, 'Dense', { x: i, y: 0 });
      g = r.graph;
      names.push(r.node.name);
    }
    expect(names).toEqual(['dense', 'dense_1', 'dense_2']);
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(3);
    expect(g.nodes[0].config).toEqual({ units: 32, activation: 'linear', use_bias: true });
    const again = addNode(binaryClassifierGraph(), 'Dense', { x: 0, y: 0 });
    expect(again.node.name).toBe('dense_3');
  });

  it('connects, and refuses cycles, taken slots and inputs into an Input', () => {
    let g = addNode({ nodes: [], edges: [] }, 'InputLayer', { x: 0, y: 0 }).graph;
    g = addNode(g, 'Dense', { x: 1, y: 0 }).graph;
    g = addNode(g, 'Dense', { x: 2, y: 0 }).graph;
    const [inp, d, d1] = g.nodes.map((n) => n.id);
    g = must(connect(g, inp, d, 0));
    g = must(connect(g, d, d1, 0));
    expect(analyzeGraph(g).errors).toEqual([]);
    expect(connect(g, d1, d, 0)).toEqual({
      ok: false,
      reason: 'Input 0 of dense is already connected; disconnect it first',
    });
    const looped = disconnect(g, g.edges[0].id);
    expect(connect(looped, d1, d, 0)).toEqual({
      ok: false,
      reason: 'Connecting dense_1 → dense would make a cycle',
    });
    expect(connect(g, d, inp, 0)).toEqual({
      ok: false,
      reason: 'input_layer is an Input layer: it takes no inputs',
    });
    expect(connect(g, inp, d1, 1)).toEqual({ ok: false, reason: 'dense_1 has no input 1' });
    expect(connect(g, d, d, 0)).toEqual({ ok: false, reason: 'dense cannot feed itself' });
  });

  it('removes a node with its edges and closes gaps in merge inputs', () => {
    const g = removeNode(multimodalGraph(), 'dropout');
    expect(g.nodes.some((n) => n.id === 'dropout')).toBe(false);
    expect(g.edges.some((e) => e.source === 'dropout' || e.target === 'dropout')).toBe(false);
    const intoConcat = g.edges.filter((e) => e.target === 'concatenate');
    expect(intoConcat).toEqual([expect.objectContaining({ source: 'dense_1', targetSlot: 0 })]);
    expect(analyzeGraph(g).errors).toEqual([
      expect.objectContaining({ kind: 'input-count', nodeId: 'concatenate' }),
    ]);
  });

  it('updates config only with valid values and renames uniquely', () => {
    const g = blobsMlpGraph();
    expect(updateConfig(g, 'dense', 'units', -1)).toEqual({
      ok: false,
      reason: 'units must be an integer ≥ 1',
    });
    const g2 = must(updateConfig(g, 'dense', 'units', 8));
    expect(g2.nodes[1].config.units).toBe(8);
    expect(g.nodes[1].config.units).toBe(16);
    expect(renameNode(g, 'dense', 'dense_1')).toEqual({
      ok: false,
      reason: 'The name "dense_1" is already used by another layer',
    });
    expect(renameNode(g, 'dense', 'a b').ok).toBe(false);
    expect(must(renameNode(g, 'dense', 'hidden')).nodes[1].name).toBe('hidden');
    expect(moveNode(g, 'dense', { x: 5, y: 6 }).nodes[1].position).toEqual({ x: 5, y: 6 });
  });
});

describe('templates', () => {
  it('are valid, laid out left to right, with the advertised parameter counts', () => {
    const cases: [ModelGraph, number][] = [
      [binaryClassifierGraph(), 2817],
      [multimodalGraph(), 7905],
      [mnistMlpGraph(), 101770],
      [blobsMlpGraph(), 16 * 3 + 51],
    ];
    for (const [g, total] of cases) {
      const a = analyzeGraph(g);
      expect(a.errors).toEqual([]);
      expect(a.totals.trainable + a.totals.nonTrainable).toBe(total);
      const x = new Map(g.nodes.map((n) => [n.id, n.position.x]));
      for (const e of g.edges) expect(x.get(e.source)!).toBeLessThan(x.get(e.target)!);
    }
    expect(analyzeGraph(mnistMlpGraph()).shapes.input_layer).toEqual([null, 28, 28, 1]);
  });
});

describe('shared layers in edits', () => {
  it('keeps one config and name per layer, and a removed owner hands the layer on', () => {
    const r = shareLayer(binaryClassifierGraph(), 'dense_1', { x: 0, y: 0 });
    if (!r.ok) throw new Error(r.reason);
    expect(r.node).toMatchObject({ className: 'Dense', name: 'dense_1', sharedWith: 'dense_1' });
    let g = must(updateConfig(r.graph, r.node.id, 'units', 7));
    expect(g.nodes.filter((n) => n.name === 'dense_1').map((n) => n.config.units)).toEqual([7, 7]);
    g = must(renameNode(g, 'dense_1', 'hidden'));
    expect(g.nodes.filter((n) => n.name === 'hidden')).toHaveLength(2);
    g = removeNode(g, 'dense_1');
    expect(g.nodes.find((n) => n.id === r.node.id)!.sharedWith).toBeUndefined();
    expect(shareLayer(g, 'input_layer', { x: 0, y: 0 }).ok).toBe(false);
  });
});
