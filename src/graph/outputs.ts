import type { GraphError, GraphNode, ModelGraph } from './types';

/** Keras loss names Kiln offers per output (tfjs-layers 4.22 implements each under the same name). */
export const OUTPUT_LOSSES = [
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
  'binary_crossentropy',
  'mean_squared_error',
  'mean_absolute_error',
  'huber',
] as const;

/**
 * The model's outputs in the order `graph.outputs` gives (Keras's `outputs=[…]` and the order of per-output
 * losses), then the remaining output nodes in node order. Metadata that names no output is an error on it.
 */
export function orderOutputs(
  graph: ModelGraph,
  outputs: string[],
  byId: Map<string, GraphNode>,
  errors: GraphError[],
): string[] {
  if (!graph.outputs?.length) return outputs;
  const isOutput = new Set(outputs);
  const listed: string[] = [];
  for (const spec of graph.outputs) {
    const node = byId.get(spec.nodeId);
    const err = (message: string) => errors.push({ kind: 'invalid-output', nodeId: spec.nodeId, message });
    if (!node) {
      err(`Output settings name a layer that is not in the graph (${spec.nodeId})`);
      continue;
    }
    if (!isOutput.has(node.id))
      err(`${node.name} has output settings but is not an output: something consumes it`);
    else if (listed.includes(node.id)) err(`${node.name} has output settings twice`);
    else listed.push(node.id);
    if (spec.loss !== undefined && !(OUTPUT_LOSSES as readonly string[]).includes(spec.loss)) {
      err(`${node.name}: loss must be one of ${OUTPUT_LOSSES.join(', ')}`);
    }
    if (spec.lossWeight !== undefined && !(Number.isFinite(spec.lossWeight) && spec.lossWeight >= 0)) {
      err(`${node.name}: loss weight must be a number ≥ 0`);
    }
  }
  return [...listed, ...outputs.filter((id) => !listed.includes(id))];
}
