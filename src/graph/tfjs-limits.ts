import type { GraphError, ModelGraph } from './types';
import { fillConfig, getLayerSpec } from './registry';

/**
 * Valid Keras that tfjs-layers 4.22 cannot run (GRU reset_after=True, Conv1D 'causal', a leaky ReLU). The
 * graph stays valid — it exports and analyzes as Keras — but the engine refuses to build it, with these errors,
 * and the editor can show them before Train is pressed.
 */
export function tfjsLimitations(graph: ModelGraph): GraphError[] {
  const errors: GraphError[] = [];
  for (const node of graph.nodes) {
    if (node.sharedWith !== undefined) continue;
    const spec = getLayerSpec(node.className);
    const reason = spec?.tfjsLimitation?.(fillConfig(node.className, node.config));
    if (reason) {
      errors.push({ kind: 'invalid-arg', nodeId: node.id, arg: '', message: `${node.name}: ${reason}` });
    }
  }
  return errors;
}
