import type { ArgValue, GraphEdge, GraphNode, LayerConfig, ModelGraph } from '../types';
import { checkArgValue, fillConfig, getLayerSpec } from '../registry';
import { snakeCase } from '../edit';
import { layeredPositions } from './layout';

export type ImportResult = { ok: true; graph: ModelGraph } | { ok: false; problems: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A call's input: the producing layer and which of its calls produced it. */
type Ref = { layer: string; call: number; tensor: number };

/** The model object inside whatever wraps it: tfjs model.json (modelTopology, model_config) or to_json. */
function unwrap(json: unknown): Obj | null {
  let v = typeof json === 'string' ? safeParse(json) : json;
  for (const key of ['modelTopology', 'model_config']) if (isObj(v) && isObj(v[key])) v = v[key];
  return isObj(v) && typeof v.class_name === 'string' && isObj(v.config) ? v : null;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Keras 2 `["name", node, tensor, {}]` or a Keras 3 `__keras_tensor__` with `keras_history`. */
function refsIn(value: unknown, out: Ref[]): void {
  if (Array.isArray(value)) {
    if (typeof value[0] === 'string' && typeof value[1] === 'number') {
      out.push({ layer: value[0], call: value[1], tensor: (value[2] as number) ?? 0 });
      return;
    }
    for (const v of value) refsIn(v, out);
  } else if (isObj(value)) {
    const history = isObj(value.config) ? value.config.keras_history : undefined;
    if (value.class_name === '__keras_tensor__' && Array.isArray(history)) refsIn(history, out);
    else if (Array.isArray(value.args)) refsIn(value.args, out);
  }
}

/** Each call of a layer as its list of input refs. */
function calls(layer: Obj): Ref[][] {
  const nodes = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : [];
  return nodes.map((n) => {
    const refs: Ref[] = [];
    refsIn(n, refs);
    return refs;
  });
}

const toSnake = (s: string) => snakeCase(s);

/** Keras's JSON values as Kiln's flat config: the inverse of layerConfigJson. */
function flatConfig(className: string, raw: Obj): LayerConfig {
  const spec = getLayerSpec(className)!;
  const c: LayerConfig = {};
  const src: Obj =
    className === 'Bidirectional' && isObj(raw.layer) && isObj(raw.layer.config)
      ? { ...raw.layer.config, ...raw }
      : raw;
  for (const arg of spec.args) {
    let v = src[arg.key];
    if (v === undefined) continue;
    if (Array.isArray(v) && v.some(Array.isArray)) v = (v as unknown[]).flat();
    if (typeof v === 'string' && (arg.key === 'activation' || arg.key === 'recurrent_activation'))
      v = toSnake(v);
    c[arg.key] = v as ArgValue;
  }
  if (className === 'InputLayer') {
    c.batch_shape = (raw.batch_shape ?? raw.batch_input_shape) as ArgValue;
    c.dtype = String(raw.dtype ?? 'float32').includes('int') ? 'int32' : 'float32';
  }
  if (className === 'LeakyReLU' && raw.negative_slope === undefined && typeof raw.alpha === 'number') {
    c.negative_slope = raw.alpha;
  }
  if (className === 'Bidirectional' && isObj(raw.layer)) c.layer = raw.layer.class_name as string;
  // Only a frozen layer records `trainable`: a trainable one reads back as the config Kiln would write.
  if (className !== 'InputLayer' && (raw.trainable === false || src.trainable === false)) c.trainable = false;
  return fillConfig(className, c);
}

/** Sequential models list layers without inbound nodes: chain them, adding the Input Keras 2/tfjs left implicit. */
function sequentialLayers(layers: Obj[]): Obj[] {
  const out: Obj[] = [];
  const first = layers[0];
  const firstConfig = isObj(first?.config) ? first.config : {};
  if (first && first.class_name !== 'InputLayer') {
    out.push({
      class_name: 'InputLayer',
      config: {
        name: 'input_layer',
        batch_input_shape: firstConfig.batch_input_shape ?? firstConfig.batch_shape ?? null,
        dtype: firstConfig.dtype ?? 'float32',
      },
    });
  }
  for (const l of layers) {
    const prev = out[out.length - 1];
    const name = (l.name ?? (isObj(l.config) ? l.config.name : undefined)) as string;
    const prevName = prev ? ((prev.name ?? (prev.config as Obj).name) as string) : undefined;
    out.push({ ...l, name, inbound_nodes: prevName ? [[[prevName, 0, 0, {}]]] : [] });
  }
  return out;
}

/**
 * A Keras/tfjs model.json topology (tfjs `model.save`/`toJSON`, Keras 2 or Keras 3 `to_json`, Functional or
 * Sequential) as a graph. All-or-nothing: every problem is collected (unknown kinds listed in one message) and
 * no graph is returned unless there are none. Initializers, regularizers and constraints are not kept.
 */
export function fromKerasJson(json: unknown): ImportResult {
  const model = unwrap(json);
  if (!model)
    return { ok: false, problems: ['This is not a Keras or tfjs model.json: no class_name/config found'] };
  const config = model.config as Obj;
  let layers = (Array.isArray(config.layers) ? config.layers : []).filter(isObj);
  if (model.class_name === 'Sequential') layers = sequentialLayers(layers);
  else if (!['Functional', 'Model'].includes(model.class_name as string)) {
    return {
      ok: false,
      problems: [`Kiln imports Functional and Sequential models, not ${String(model.class_name)}`],
    };
  }
  const problems: string[] = [];
  const unknown = [...new Set(layers.map((l) => String(l.class_name)).filter((k) => !getLayerSpec(k)))];
  if (unknown.length) {
    problems.push(`Kiln does not know these layer kinds: ${unknown.join(', ')}. Nothing was imported.`);
  }
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const nodeId = (layer: string, call: number) => (call === 0 ? layer : `${layer}~${call}`);
  for (const layer of layers) {
    const className = String(layer.class_name);
    const raw = isObj(layer.config) ? layer.config : {};
    const name = String(layer.name ?? raw.name);
    if (!getLayerSpec(className)) continue;
    if (raw.data_format === 'channels_first')
      problems.push(`${name}: Kiln works channels last; data_format is channels_first`);
    const config = flatConfig(className, raw);
    for (const arg of getLayerSpec(className)!.args) {
      const reason = checkArgValue(arg, config[arg.key]);
      if (reason) problems.push(`${name}: ${reason}`);
    }
    const layerCalls = className === 'InputLayer' ? [[]] : calls(layer);
    if (layerCalls.length === 0) problems.push(`${name} is never called: it is not connected to the model`);
    layerCalls.forEach((refs, k) => {
      const id = nodeId(name, k);
      nodes.push({
        id,
        className,
        name,
        config: { ...config },
        position: { x: 0, y: 0 },
        ...(k ? { sharedWith: name } : {}),
      });
      refs.forEach((ref, slot) => {
        if (ref.tensor !== 0)
          problems.push(`${name} uses output ${ref.tensor} of ${ref.layer}: Kiln layers have one output`);
        const source = nodeId(ref.layer, ref.call);
        edges.push({ id: `${source}->${id}:${slot}`, source, target: id, targetSlot: slot });
      });
    });
  }
  const ids = new Set(nodes.map((n) => n.id));
  // Edges from an unknown kind are already explained by the unknown-kinds message.
  const unknownNames = new Set(
    layers
      .filter((l) => !getLayerSpec(String(l.class_name)))
      .map((l) => String(l.name ?? (l.config as Obj)?.name)),
  );
  for (const e of edges) {
    if (ids.has(e.source) || unknownNames.has(e.source.split('~')[0])) continue;
    problems.push(`${e.target} reads from ${e.source}, which is not in the file`);
  }
  const outputRefs: Ref[] = [];
  refsIn(config.output_layers, outputRefs);
  const outputIds = outputRefs.map((r) => nodeId(r.layer, r.call));
  for (const id of outputIds) {
    if (edges.some((e) => e.source === id))
      problems.push(`${id} is an output that other layers also consume; Kiln outputs are final layers`);
  }
  if (problems.length) return { ok: false, problems };
  const positions = layeredPositions(nodes, edges);
  for (const n of nodes) n.position = positions.get(n.id)!;
  const graph: ModelGraph = { nodes, edges };
  if (outputIds.length > 1) graph.outputs = outputIds.map((nodeId) => ({ nodeId }));
  return { ok: true, graph };
}
