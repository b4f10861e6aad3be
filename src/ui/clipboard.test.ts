import { describe, expect, it } from 'vitest';
import { analyzeGraph, binaryClassifierGraph, shareLayer } from '../graph/index';
import { copyNodes, pasteNodes } from './clipboard';

describe('copy and paste', () => {
  it('pastes nodes with their internal edges under fresh ids and unique names', () => {
    const graph = binaryClassifierGraph();
    const clip = copyNodes(graph, ['dense', 'dropout'])!;
    expect(clip.edges.map((e) => [e.source, e.target])).toEqual([['dense', 'dropout']]);
    const { graph: next, nodeIds } = pasteNodes(graph, clip);
    expect(nodeIds).toHaveLength(2);
    const pasted = next.nodes.filter((n) => nodeIds.includes(n.id));
    expect(pasted.map((n) => n.name)).toEqual(['dense_3', 'dropout_1']);
    expect(new Set(next.nodes.map((n) => n.id)).size).toBe(next.nodes.length);
    expect(new Set(next.nodes.map((n) => n.name)).size).toBe(next.nodes.length);
    const edge = next.edges.at(-1)!;
    expect([edge.source, edge.target]).toEqual(nodeIds);
    expect(next.edges).toHaveLength(graph.edges.length + 1);
  });

  it('pasting twice gives two distinct copies', () => {
    const graph = binaryClassifierGraph();
    const clip = copyNodes(graph, ['dense'])!;
    const once = pasteNodes(graph, clip).graph;
    const twice = pasteNodes(once, clip).graph;
    expect(twice.nodes.map((n) => n.name).filter((n) => n.startsWith('dense'))).toEqual([
      'dense',
      'dense_1',
      'dense_2',
      'dense_3',
      'dense_4',
    ]);
  });

  it('keeps a pasted call site pointing at its owner', () => {
    const shared = shareLayer(binaryClassifierGraph(), 'dense_1', { x: 0, y: 300 });
    if (!shared.ok) throw new Error(shared.reason);
    const { graph, nodeIds } = pasteNodes(shared.graph, copyNodes(shared.graph, [shared.node.id])!);
    const call = graph.nodes.find((n) => n.id === nodeIds[0])!;
    expect(call.sharedWith).toBe('dense_1');
    expect(call.name).toBe('dense_1');

    const both = pasteNodes(shared.graph, copyNodes(shared.graph, ['dense_1', shared.node.id])!);
    const [owner, site] = both.nodeIds.map((id) => both.graph.nodes.find((n) => n.id === id)!);
    expect(owner.sharedWith).toBeUndefined();
    expect(site.sharedWith).toBe(owner.id);
    expect(site.name).toBe(owner.name);
    expect(analyzeGraph(both.graph).errors.filter((e) => e.kind === 'shared-layer')).toEqual([]);
  });

  it('copies nothing from an empty selection', () => {
    expect(copyNodes(binaryClassifierGraph(), [])).toBeNull();
  });
});
