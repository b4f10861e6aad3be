import { describe, expect, it } from 'vitest';
import { fromSequential, toSequential } from './sequential';
import { analyzeGraph } from './analyze';
import { binaryClassifierGraph, multimodalGraph } from './templates';
import { graphOf } from './test-helpers';
import { shareLayer } from './edit';

describe('Sequential mode', () => {
  it('turns a chain into its layers, Input first, and back into the same model', () => {
    const g = binaryClassifierGraph();
    const r = toSequential(g);
    if (!r.ok) throw new Error(r.reason);
    expect(r.layers.map((n) => n.name)).toEqual(['input_layer', 'dense', 'dropout', 'dense_1', 'dense_2']);
    const back = fromSequential(r.layers);
    expect(back.nodes.map((n) => n.position.y)).toEqual([40, 40, 40, 40, 40]);
    expect(back.nodes.map((n) => n.position.x)).toEqual([40, 260, 480, 700, 920]);
    expect(analyzeGraph(back).totals).toEqual(analyzeGraph(g).totals);
    expect(analyzeGraph(back).order).toEqual(analyzeGraph(g).order);
  });

  it('names the node that breaks the stack', () => {
    const merge = toSequential(multimodalGraph());
    expect(merge).toMatchObject({ ok: false, nodeId: 'numerical' });
    const fork = graphOf(
      [
        ['in', 'InputLayer'],
        ['a', 'Dense'],
        ['b', 'Dense'],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
      ],
    );
    expect(toSequential(fork)).toEqual({
      ok: false,
      nodeId: 'in',
      reason: 'in feeds 2 layers (a, b): a stack layer feeds only the next',
    });
    const stray = graphOf(
      [
        ['in', 'InputLayer'],
        ['a', 'Dense'],
        ['b', 'Dense'],
      ],
      [['in', 'a']],
    );
    expect(toSequential(stray)).toMatchObject({ ok: false, nodeId: 'b' });
    const join = graphOf(
      [
        ['in', 'InputLayer'],
        ['a', 'Dense'],
        ['c', 'Concatenate'],
      ],
      [
        ['in', 'a'],
        ['a', 'c', 0],
        ['in', 'c', 1],
      ],
    );
    expect(toSequential(join)).toMatchObject({ ok: false, nodeId: 'in' });
    const shared = shareLayer(binaryClassifierGraph(), 'dense_1', { x: 0, y: 0 });
    if (!shared.ok) throw new Error(shared.reason);
    expect(toSequential(shared.graph)).toMatchObject({ ok: false, nodeId: shared.node.id });
    expect(toSequential({ nodes: [], edges: [] }).ok).toBe(false);
  });
});
