import { describe, expect, it } from 'vitest';
import { scaleGraph } from '../graph/testing/scale';
import type { ModelGraph } from '../graph/types';
import { analyzer, positionBlind, updateConfig } from './graph-ops';

/** The graph with its first node moved by (dx, dy), as a drag's release hands it to the store. */
function moved(graph: ModelGraph, dx = 30, dy = 10): ModelGraph {
  const [first, ...rest] = graph.nodes;
  const position = { x: first.position.x + dx, y: first.position.y + dy };
  return { ...graph, nodes: [{ ...first, position }, ...rest] };
}

describe('positionBlind', () => {
  it('returns the previous result when only positions changed, and computes again otherwise', () => {
    const calls: string[] = [];
    const namesOf = positionBlind((graph: ModelGraph, suffix: string) => {
      calls.push(suffix);
      return graph.nodes.map((n) => n.name + suffix);
    });
    const graph = scaleGraph(12);
    const first = namesOf(graph, '!');
    expect(namesOf(moved(graph), '!')).toBe(first);
    expect(calls).toEqual(['!']);

    const renamedFirst = { ...graph.nodes[0], name: 'start' };
    const renamed = { ...graph, nodes: [renamedFirst, ...graph.nodes.slice(1)] };
    expect(namesOf(renamed, '!')[0]).toBe('start!');
    expect(namesOf(renamed, '?')[0]).toBe('start?');
    expect(calls).toEqual(['!', '!', '?']);
  });

  it('computes again when an edge, a node count, a config or the outputs change', () => {
    let runs = 0;
    const count = positionBlind((graph: ModelGraph) => (runs++, graph.nodes.length));
    const graph = scaleGraph(12);
    count(graph);
    count({ ...graph, edges: graph.edges.slice(1) });
    count({ ...graph, edges: graph.edges.slice(1), nodes: graph.nodes.slice(1) });
    const dense = graph.nodes.find((n) => n.className === 'Dense')!;
    const edit = updateConfig(graph, dense.id, 'units', 7);
    if (!edit.ok) throw new Error(edit.reason);
    count(graph);
    count(edit.graph);
    count({ ...edit.graph, outputs: [{ nodeId: graph.nodes[graph.nodes.length - 1].id }] });
    expect(runs).toBe(6);
  });
});

describe('analyzer', () => {
  it('keeps the analysis object across a move and redoes it after a config edit', () => {
    const analyze = analyzer();
    const graph = scaleGraph(30);
    const before = analyze(graph);
    expect(analyze(moved(graph))).toBe(before);
    const dense = graph.nodes.find((n) => n.className === 'Dense')!;
    const edit = updateConfig(graph, dense.id, 'units', 7);
    if (!edit.ok) throw new Error(edit.reason);
    const after = analyze(edit.graph);
    expect(after).not.toBe(before);
    expect(after.shapes[dense.id]).toEqual([null, 7]);
  });
});
