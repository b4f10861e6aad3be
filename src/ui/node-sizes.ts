import type { Node } from '@xyflow/svelte';
import type { NodeSizes } from './auto-layout';
import type { NodeBox } from './layer-placement';

/** A size to assume for a node xyflow has not measured yet (a little over a layer node's usual size). */
export const UNMEASURED_NODE = { width: 190, height: 110 } as const;

/**
 * The room kept for a layer about to be added: a layer node's size, and the height of a few lines of error below
 * (a new layer often shows one, unwired or not yet configured), so it does not grow onto a neighbour when drawn.
 */
export const NEW_LAYER_ROOM = { width: 190, height: 210 } as const;

/** The sizes xyflow measured for the drawn nodes (nodes not measured yet are left out). */
export function nodeSizes(nodes: readonly Node[]): NodeSizes {
  const sizes: NodeSizes = {};
  for (const n of nodes) {
    if (n.measured?.width && n.measured.height) {
      sizes[n.id] = { width: n.measured.width, height: n.measured.height };
    }
  }
  return sizes;
}

/** Every node's box in flow coordinates; a node not measured yet is given the assumed size. */
export function nodeBoxes(nodes: readonly Node[]): NodeBox[] {
  return nodes.map((n) => ({
    id: n.id,
    x: n.position.x,
    y: n.position.y,
    width: n.measured?.width || UNMEASURED_NODE.width,
    height: n.measured?.height || UNMEASURED_NODE.height,
  }));
}
