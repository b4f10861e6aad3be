import type { GraphEdge, GraphNode } from '../types';

const COLUMN = 220;
const ROW = 120;

/**
 * A simple layered layout for imported graphs: column = longest path from an input, rows in node order.
 * Good enough to open a file readably; the editor's auto-layout (elkjs) can redo it.
 */
export function layeredPositions(
  nodes: GraphNode[],
  edges: GraphEdge[],
): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  // Relaxing |nodes| times reaches the longest path in a DAG; a cycle just stops changing nothing useful.
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const e of edges) {
      const d = (depth.get(e.source) ?? 0) + 1;
      if (d > (depth.get(e.target) ?? 0) && d <= nodes.length) {
        depth.set(e.target, d);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const d = depth.get(n.id)!;
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    out.set(n.id, { x: 40 + d * COLUMN, y: 40 + r * ROW });
  }
  return out;
}
