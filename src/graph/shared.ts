import type { GraphError, GraphNode, ModelGraph, ParamCount, Shape } from './types';
import { formatShape } from './shape';

/**
 * Shared layers: a node with `sharedWith` is another call site of the owner's layer (Keras: calling one layer
 * object twice). Everything Keras-facing (names, config, weights, summary rows) belongs to the owner; a call
 * site contributes only its edges.
 */

/** The id of the node whose layer `node` runs: its owner for a call site, itself otherwise. */
export function layerId(node: GraphNode): string {
  return node.sharedWith ?? node.id;
}

/** Layer id → its call sites (owner included) in `order`, and each call site's Keras node index. */
export function callSites(
  graph: ModelGraph,
  order: readonly string[],
): { byLayer: Map<string, string[]>; callIndex: Map<string, number> } {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const byLayer = new Map<string, string[]>();
  const callIndex = new Map<string, number>();
  for (const id of order) {
    const node = byId.get(id);
    if (!node) continue;
    const key = layerId(node);
    const list = byLayer.get(key) ?? byLayer.set(key, []).get(key)!;
    callIndex.set(id, list.length);
    list.push(id);
  }
  return { byLayer, callIndex };
}

/** Why `node.sharedWith` cannot be used (missing owner, a chain, another kind), or null when it is sound. */
export function shareLinkError(node: GraphNode, byId: Map<string, GraphNode>): GraphError | null {
  if (node.sharedWith === undefined) return null;
  const owner = byId.get(node.sharedWith);
  const err = (message: string): GraphError => ({ kind: 'shared-layer', nodeId: node.id, message });
  if (!owner || owner.id === node.id)
    return err(`${node.name} shares the weights of a layer that is not in the graph`);
  if (owner.sharedWith !== undefined) {
    return err(`${node.name} shares ${owner.name}, which itself shares another layer: point it at the owner`);
  }
  if (owner.className !== node.className) {
    return err(`${node.name} is a ${node.className} but shares ${owner.name}, a ${owner.className}`);
  }
  if (owner.className === 'InputLayer') return err(`${node.name}: an Input cannot be shared; use its edges`);
  return null;
}

/**
 * One set of weights serves every call, so every call must need the same weights: the count a call would
 * build must equal the owner's (Dense needs the same last dimension, Conv2D the same channels…).
 */
export function shareShapeError(
  node: GraphNode,
  owner: GraphNode,
  nodeParams: ParamCount,
  ownerParams: ParamCount,
  nodeInputs: Shape[],
  ownerInputs: Shape[],
): GraphError | null {
  if (
    nodeParams.trainable === ownerParams.trainable &&
    nodeParams.nonTrainable === ownerParams.nonTrainable
  ) {
    return null;
  }
  const shapes = (s: Shape[]) => s.map(formatShape).join(', ');
  return {
    kind: 'shared-layer',
    nodeId: node.id,
    message:
      `This call of shared layer ${owner.name} gets ${shapes(nodeInputs)}, but its weights are made for ` +
      `${shapes(ownerInputs)}: every call of a shared layer needs inputs its one set of weights fits`,
  };
}
