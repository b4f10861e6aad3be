import type { GraphEdge, GraphNode, ModelGraph } from '../graph/types';
import { uniqueName } from '../graph/index';

/** What Copy keeps: the selected nodes and the edges between them (edges to the rest are left behind). */
export interface GraphClip {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** How far a paste lands from the copied nodes, so the copy is visible beside the original. */
export const PASTE_OFFSET = { x: 60, y: 60 };

export function copyNodes(graph: ModelGraph, nodeIds: readonly string[]): GraphClip | null {
  const ids = new Set(nodeIds);
  const nodes = graph.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return structuredClone({ nodes, edges });
}

function freshId(taken: Set<string>, base: string): string {
  let id = base;
  for (let k = 1; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}

/** `dense_3` → `dense`: a pasted layer is named like a new one of its kind (`dense_4`), Keras-style. */
const baseName = (name: string) => name.replace(/_\d+$/, '') || name;

/**
 * Adds a copy of `clip` to `graph` with fresh ids and unique names. A copied call site of a shared layer stays
 * a call site: of the pasted owner when the owner was copied too, of the original owner otherwise.
 */
export function pasteNodes(
  graph: ModelGraph,
  clip: GraphClip,
  offset: { x: number; y: number } = PASTE_OFFSET,
): { graph: ModelGraph; nodeIds: string[] } {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const existing = new Set(ids);
  const newId = new Map<string, string>();
  for (const n of clip.nodes) newId.set(n.id, freshId(ids, baseName(n.id)));

  let next: ModelGraph = graph;
  const owners = clip.nodes.filter((n) => n.sharedWith === undefined || !newId.has(n.sharedWith));
  const sharers = clip.nodes.filter((n) => n.sharedWith !== undefined && newId.has(n.sharedWith));
  const added = new Map<string, GraphNode>();
  for (const n of [...owners, ...sharers]) {
    const owner =
      n.sharedWith === undefined
        ? undefined
        : (added.get(newId.get(n.sharedWith) ?? '') ?? graph.nodes.find((m) => m.id === n.sharedWith));
    if (n.sharedWith !== undefined && !owner) continue; // its owner is gone: nothing to share
    const node: GraphNode = {
      ...structuredClone(n),
      id: newId.get(n.id)!,
      name: owner ? owner.name : uniqueName(next, baseName(n.name)),
      position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
      ...(owner ? { sharedWith: owner.id } : {}),
    };
    added.set(node.id, node);
    next = { ...next, nodes: [...next.nodes, node] };
  }
  const edgeIds = new Set(graph.edges.map((e) => e.id));
  const edges = clip.edges
    .filter((e) => added.has(newId.get(e.source)!) && added.has(newId.get(e.target)!))
    .map((e): GraphEdge => {
      const source = newId.get(e.source)!;
      const target = newId.get(e.target)!;
      return {
        id: freshId(edgeIds, `${source}->${target}:${e.targetSlot}`),
        source,
        target,
        targetSlot: e.targetSlot,
      };
    });
  next = { ...next, edges: [...next.edges, ...edges] };
  const nodeIds = clip.nodes.map((n) => newId.get(n.id)!).filter((id) => added.has(id) && !existing.has(id));
  return { graph: next, nodeIds };
}
