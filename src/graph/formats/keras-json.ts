import type { ArgValue, LayerConfig, ModelGraph } from '../types';
import { analyzeGraph } from '../analyze';
import { fillConfig, getLayerSpec, isTrainable } from '../registry';
import { callSites } from '../shared';
import { sides } from '../layers/padding-sides';

/**
 * Keras/tfjs model.json topology, as tfjs-layers' `model.toJSON()` and `tf.io` write it: Keras 2-style
 * `inbound_nodes` (`[[["layer", nodeIndex, tensorIndex, {}], …], …]`, one list per call), snake_case configs.
 * tfjs loads it with `tf.models.modelFromJSON`; Keras 3 reads it too (legacy inbound nodes, batch_input_shape).
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface KerasLayerJson {
  class_name: string;
  name: string;
  config: JsonObject;
  inbound_nodes: [string, number, number, JsonObject][][];
}

export interface KerasModelJson {
  class_name: 'Model';
  config: {
    name: string;
    layers: KerasLayerJson[];
    input_layers: [string, number, number][];
    output_layers: [string, number, number][];
  };
  keras_version: string;
  backend: string;
}

/** Kiln's flat config values as Keras's JSON wants them (nested padding, wrapped RNN, legacy spellings). */
export function layerConfigJson(className: string, name: string, config: LayerConfig): JsonObject {
  const c = fillConfig(className, config);
  const spec = getLayerSpec(className);
  const trainable = isTrainable(c);
  const out: JsonObject = { name, trainable };
  for (const arg of spec?.args ?? []) out[arg.key] = c[arg.key] as JsonValue;
  switch (className) {
    case 'InputLayer':
      return { name, batch_input_shape: c.batch_shape as JsonValue, dtype: c.dtype as string, sparse: false };
    case 'ZeroPadding2D':
    case 'Cropping2D': {
      const key = className === 'ZeroPadding2D' ? 'padding' : 'cropping';
      const [t, b, l, r] = sides(c[key] as ArgValue);
      out[key] = [
        [t, b],
        [l, r],
      ];
      out.data_format = 'channels_last';
      return out;
    }
    case 'LeakyReLU':
      // Keras 3 reads negative_slope (and maps a legacy alpha to it); tfjs reads alpha.
      return { ...out, alpha: c.negative_slope as number };
    case 'Bidirectional': {
      const inner: JsonObject = { name: `${name}_${String(c.layer).toLowerCase()}`, trainable };
      for (const key of ['units', 'activation', 'use_bias', 'return_sequences'])
        inner[key] = c[key] as JsonValue;
      if (c.layer !== 'SimpleRNN') inner.recurrent_activation = c.recurrent_activation as string;
      if (c.layer === 'GRU') inner.reset_after = c.reset_after as boolean;
      return {
        name,
        trainable,
        layer: { class_name: c.layer as string, config: inner },
        merge_mode: c.merge_mode as string,
      };
    }
    default:
      if (spec?.category === 'convolution' || spec?.category === 'pooling') out.data_format = 'channels_last';
      return out;
  }
}

/**
 * The graph's topology as model.json (no weights). Each shared layer is one entry with one inbound node per
 * call, numbered in the order the model runs them, exactly as buildModel applies them.
 */
export function toKerasJson(graph: ModelGraph, name = 'functional'): KerasModelJson {
  const analysis = analyzeGraph(graph);
  if (analysis.errors.length)
    throw new Error(`Fix the graph before exporting: ${analysis.errors[0].message}`);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const { byLayer, callIndex } = callSites(graph, analysis.order);
  const incoming = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!;
    list[e.targetSlot] = e.source;
  }
  const ref = (id: string): [string, number, number] => {
    const node = byId.get(id)!;
    return [byId.get(node.sharedWith ?? id)!.name, callIndex.get(id)!, 0];
  };
  const layers = [...byLayer.entries()].map(([ownerId, calls]): KerasLayerJson => {
    const owner = byId.get(ownerId)!;
    return {
      class_name: owner.className,
      name: owner.name,
      config: layerConfigJson(owner.className, owner.name, owner.config),
      inbound_nodes:
        owner.className === 'InputLayer'
          ? []
          : calls.map((call) =>
              (incoming.get(call) ?? []).map((s) => [...ref(s), {}] as [string, number, number, JsonObject]),
            ),
    };
  });
  return {
    class_name: 'Model',
    config: {
      name,
      layers,
      input_layers: analysis.inputs.map(ref),
      output_layers: analysis.outputs.map(ref),
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
}
