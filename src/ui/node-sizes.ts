import type { Node } from '@xyflow/svelte';
import type { NodeSizes } from './auto-layout';

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
