import type { GraphNode, LayerConfig, ModelGraph } from './types';
import { isTrainable } from './registry';

/**
 * Freezing (Keras `trainable=False`). A node's `trainable` lives in its config; a call site of a shared layer
 * follows its owner, since one layer object has one `trainable`.
 */

/** Whether `node` trains: its owner's config decides for a call site. */
export function nodeTrainable(graph: ModelGraph, node: GraphNode): boolean {
  const owner = node.sharedWith === undefined ? node : graph.nodes.find((n) => n.id === node.sharedWith);
  return isTrainable((owner ?? node).config);
}

/** `nodeId` and every node upstream of it, back to the inputs (edges followed backwards). */
export function branchOf(graph: ModelGraph, nodeId: string): Set<string> {
  const incoming = new Map<string, string[]>();
  for (const e of graph.edges)
    (incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!).push(e.source);
  const seen = new Set<string>();
  const stack = graph.nodes.some((n) => n.id === nodeId) ? [nodeId] : [];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const s of incoming.get(id) ?? []) stack.push(s);
  }
  return seen;
}

function withTrainable(config: LayerConfig, trainable: boolean): LayerConfig {
  if (trainable) {
    const { trainable: _dropped, ...rest } = config;
    return rest;
  }
  return { ...config, trainable: false };
}

/**
 * "Freeze this branch": sets `trainable` on `nodeId` and everything upstream of it (Inputs have no weights and
 * are left alone). A shared layer reached at any call site changes at all of them. Unfreezing removes the key,
 * so freezing and unfreezing gives back the graph it started from.
 */
export function setBranchTrainable(graph: ModelGraph, nodeId: string, trainable: boolean): ModelGraph {
  const branch = branchOf(graph, nodeId);
  const layers = new Set<string>();
  for (const n of graph.nodes) {
    if (branch.has(n.id) && n.className !== 'InputLayer') layers.add(n.sharedWith ?? n.id);
  }
  return {
    ...graph,
    nodes: graph.nodes.map((n) =>
      layers.has(n.sharedWith ?? n.id) && isTrainable(n.config) !== trainable
        ? { ...n, config: withTrainable(n.config, trainable) }
        : n,
    ),
  };
}
