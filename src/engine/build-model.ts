import * as tf from '@tensorflow/tfjs';
import type { GraphError, ModelGraph } from '../graph/types';
import { analyzeGraph } from '../graph/analyze';
import { fillConfig } from '../graph/registry';
import { tfjsLimitations } from '../graph/tfjs-limits';
import { makeLayer } from './layer-factory';

/** Thrown instead of a tfjs exception when the graph itself is wrong; `errors` are tied to node ids. */
export class GraphValidationError extends Error {
  override readonly name = 'GraphValidationError';
  constructor(readonly errors: GraphError[]) {
    super(
      `The graph has ${errors.length} error${errors.length === 1 ? '' : 's'}: ` +
        errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; ') +
        (errors.length > 3 ? '; …' : ''),
    );
  }
}

export { NormalizationLayer, SpatialDropout2DLayer, SubtractLayer } from './keras-layers';

/**
 * tfjs-layers 4.22 counts every symbolic call as an owner of the layer (`_refCount`), so a layer called twice
 * in one model would keep its weights after model.dispose(). One model is one owner: undo each extra count.
 */
function oneOwner(layer: tf.layers.Layer): void {
  (layer as unknown as { _refCount: number })._refCount--;
}

/**
 * Builds the graph with the Functional API: one tfjs layer per layer node, named as the node, applied in
 * topological order; a shared layer's call sites apply the owner's layer object again (one set of weights).
 * Throws GraphValidationError (nothing allocated) when analyzeGraph finds errors or tfjs cannot run a config.
 */
export function buildModel(graph: ModelGraph, name = 'functional'): tf.LayersModel {
  const analysis = analyzeGraph(graph);
  const errors = [...analysis.errors, ...tfjsLimitations(graph)];
  if (errors.length > 0) throw new GraphValidationError(errors);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const sources = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = sources.get(e.target) ?? [];
    list[e.targetSlot] = e.source;
    sources.set(e.target, list);
  }
  const tensors = new Map<string, tf.SymbolicTensor>();
  const layers: tf.layers.Layer[] = [];
  const built = new Map<string, tf.layers.Layer>();
  try {
    for (const id of analysis.order) {
      const node = byId.get(id)!;
      const config = fillConfig(node.className, node.config);
      if (node.className === 'InputLayer') {
        tensors.set(
          id,
          tf.input({
            name: node.name,
            batchShape: [...(config.batch_shape as number[])],
            dtype: config.dtype as 'float32' | 'int32',
          }),
        );
        continue;
      }
      const owner = node.sharedWith === undefined ? node : byId.get(node.sharedWith)!;
      let layer = built.get(owner.id);
      const again = layer !== undefined;
      if (!layer) {
        const ownerConfig = fillConfig(owner.className, owner.config);
        layer = makeLayer(owner.className, owner.name, ownerConfig, analysis.shapes[id] as number[]);
        built.set(owner.id, layer);
        layers.push(layer);
      }
      const inputs = sources.get(id)!.map((s) => tensors.get(s)!);
      const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
      if (again) oneOwner(layer);
      tensors.set(id, out);
    }
    return tf.model({
      name,
      inputs: analysis.inputs.map((id) => tensors.get(id)!),
      outputs: analysis.outputs.map((id) => tensors.get(id)!),
    });
  } catch (error) {
    // Weights of layers already applied would otherwise outlive the failed build.
    for (const layer of layers) if (layer.built) layer.dispose();
    throw error;
  }
}
