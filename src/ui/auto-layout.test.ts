import { describe, expect, it } from 'vitest';
import { multimodalGraph } from '../graph/index';
import { autoLayout } from './auto-layout';

describe('autoLayout', () => {
  it('puts every layer right of the layers that feed it, without overlaps', async () => {
    const graph = multimodalGraph();
    const at = new Map((await autoLayout(graph, {})).map((p) => [p.id, p]));
    expect(at.size).toBe(graph.nodes.length);
    for (const e of graph.edges) expect(at.get(e.target)!.x).toBeGreaterThan(at.get(e.source)!.x);
    const boxes = [...at.values()];
    for (const a of boxes)
      for (const b of boxes)
        if (a !== b) expect(Math.abs(a.x - b.x) >= 190 || Math.abs(a.y - b.y) >= 110).toBe(true);
  });
});
