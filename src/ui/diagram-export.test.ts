import { describe, expect, it } from 'vitest';
import { analyzeGraph, multimodalGraph, shareLayer } from '../graph/index';
import { diagramSvg } from './diagram-export';

describe('diagramSvg', () => {
  it('draws every layer with its shape and parameter count and one arrow per edge', () => {
    const graph = multimodalGraph();
    const svg = diagramSvg(graph, analyzeGraph(graph), {});
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const n of graph.nodes) expect(svg).toContain(`data-node="${n.name}"`);
    expect(svg.match(/marker-end="url\(#arrow\)"/g)).toHaveLength(graph.edges.length);
    expect(svg).toContain('(None, 222, 222, 32)');
    expect(svg).toContain('896 params');
  });

  it('marks a shared layer and its call site with a dashed outline and says which layer it shares', () => {
    const r = shareLayer(multimodalGraph(), 'dense_1', { x: 0, y: 600 });
    if (!r.ok) throw new Error(r.reason);
    const svg = diagramSvg(r.graph, analyzeGraph(r.graph), {});
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
    expect(svg).toContain('shared with dense_1');
  });

  it('escapes names for XML', () => {
    const graph = { nodes: [{ ...multimodalGraph().nodes[0], name: 'a<b&c' }], edges: [] };
    expect(diagramSvg(graph, analyzeGraph(graph), {})).toContain('a&lt;b&amp;c');
  });
});
