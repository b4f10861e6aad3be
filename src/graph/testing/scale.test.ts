import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../analyze';
import { scaleGraph } from './scale';

describe('scaleGraph', () => {
  it.each([2, 12, 200])('builds a valid %i-node graph', (size) => {
    const graph = scaleGraph(size);
    expect(graph.nodes).toHaveLength(size);
    const analysis = analyzeGraph(graph);
    expect(analysis.errors).toEqual([]);
  });
});
