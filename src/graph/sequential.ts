import type { GraphEdge, GraphNode, ModelGraph } from './types';

/** Horizontal distance between layers of a stack laid out left to right, in editor pixels. */
const STEP = 220;

export type SequentialResult =
  { ok: true; layers: GraphNode[] } | { ok: false; nodeId: string; reason: string };

/**
 * The graph as a Keras Sequential stack, Input first, or the node that keeps it from being one: a second Input,
 * a layer with several inputs or consumers, a shared layer, or one not on the chain.
 */
export function toSequential(graph: ModelGraph): SequentialResult {
  const fail = (node: GraphNode, reason: string): SequentialResult => ({
    ok: false,
    nodeId: node.id,
    reason,
  });
  const inputs = graph.nodes.filter((n) => n.className === 'InputLayer');
  if (graph.nodes.length === 0) return { ok: false, nodeId: '', reason: 'The graph is empty: add an Input' };
  if (inputs.length === 0)
    return fail(graph.nodes[0], 'A stack starts with an Input layer; this graph has none');
  if (inputs.length > 1)
    return fail(inputs[1], `${inputs[1].name} is a second Input: a stack has exactly one`);
  const ids = new Set(graph.nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const node of graph.nodes) {
    if (node.sharedWith !== undefined) {
      return fail(node, `${node.name} is a second call of a shared layer: a stack calls each layer once`);
    }
    const ins = edges.filter((e) => e.target === node.id).length;
    if (ins > 1) return fail(node, `${node.name} takes ${ins} inputs: a stack layer takes exactly one`);
    const outs = edges.filter((e) => e.source === node.id);
    if (outs.length > 1) {
      const names = outs.map((e) => byId.get(e.target)!.name).join(', ');
      return fail(
        node,
        `${node.name} feeds ${outs.length} layers (${names}): a stack layer feeds only the next`,
      );
    }
  }
  const layers: GraphNode[] = [inputs[0]];
  const seen = new Set([inputs[0].id]);
  for (;;) {
    const next = edges.find((e) => e.source === layers[layers.length - 1].id);
    if (!next || seen.has(next.target)) break;
    seen.add(next.target);
    layers.push(byId.get(next.target)!);
  }
  const stray = graph.nodes.find((n) => !seen.has(n.id));
  if (stray)
    return fail(stray, `${stray.name} is not on the chain from ${inputs[0].name}: connect or remove it`);
  return { ok: true, layers };
}

/** A chain of `layers` (the first should be an Input), laid out left to right with fresh edges. */
export function fromSequential(layers: readonly GraphNode[]): ModelGraph {
  const nodes = layers.map((n, i): GraphNode => {
    const { sharedWith: _unused, ...node } = n;
    return { ...node, config: { ...n.config }, position: { x: 40 + i * STEP, y: 40 } };
  });
  const edges = nodes.slice(1).map((n, i): GraphEdge => ({
    id: `${nodes[i].id}->${n.id}:0`,
    source: nodes[i].id,
    target: n.id,
    targetSlot: 0,
  }));
  return { nodes, edges };
}
