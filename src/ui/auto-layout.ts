import type { ElkNode } from 'elkjs/lib/elk-api';
import type { ModelGraph } from '../graph/types';

/** A node's drawn size; nodes xyflow has not measured yet use the node card's usual size. */
export type NodeSizes = Record<string, { width: number; height: number } | undefined>;
const DEFAULT_SIZE = { width: 190, height: 110 };

/**
 * Left-to-right layered layout (Sugiyama) by ELK, as Keras's `plot_model(rankdir="LR")` draws a model. Inputs of
 * a merge keep their slot order (the model order is considered), so Concatenate's first input stays on top.
 * ELK is loaded on first use (it is large) and runs on the main thread: its bundled build needs no worker.
 */
export async function autoLayout(
  graph: ModelGraph,
  sizes: NodeSizes,
): Promise<{ id: string; x: number; y: number }[]> {
  if (graph.nodes.length === 0) return [];
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // Fewer crossing-minimisation sweeps than ELK's default (7): a 200-node graph lays out in a fraction of the
      // time, and a model graph (mostly chains and a few merges) loses nothing visible.
      'elk.layered.thoroughness': '2',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: graph.nodes.map((n) => ({ id: n.id, ...(sizes[n.id] ?? DEFAULT_SIZE) })),
    edges: [...graph.edges]
      .sort((a, b) => a.targetSlot - b.targetSlot)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const laid = await elk.layout(root);
  return (laid.children ?? []).map((c) => ({ id: c.id, x: 40 + (c.x ?? 0), y: 40 + (c.y ?? 0) }));
}
