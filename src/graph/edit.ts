import type { ArgValue, GraphEdge, GraphNode, ModelGraph } from './types';
import { fillConfig, getLayerSpec, validateArg } from './registry';

/** Edits either succeed with a new graph or say, in a sentence the editor can show, why they were refused. */
export type EditResult = { ok: true; graph: ModelGraph } | { ok: false; reason: string };

/** Keras's `to_snake_case`, which names layers: Conv2D → conv2d, MaxPooling2D → max_pooling2d. */
export function snakeCase(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Keras-style unique name: `dense`, then `dense_1`, `dense_2`… (the first one free). */
export function uniqueName(graph: ModelGraph, base: string): string {
  const taken = new Set(graph.nodes.map((n) => n.name));
  if (!taken.has(base)) return base;
  let k = 1;
  while (taken.has(`${base}_${k}`)) k++;
  return `${base}_${k}`;
}

function uniqueId(taken: Set<string>, base: string): string {
  if (!taken.has(base)) return base;
  let k = 1;
  while (taken.has(`${base}-${k}`)) k++;
  return `${base}-${k}`;
}

/** Adds a layer with its Keras defaults written out, so the saved graph says what it runs. */
export function addNode(
  graph: ModelGraph,
  className: string,
  position: { x: number; y: number },
): { graph: ModelGraph; node: GraphNode } {
  const name = uniqueName(graph, snakeCase(className));
  const id = uniqueId(new Set(graph.nodes.map((n) => n.id)), name);
  const node: GraphNode = {
    id,
    className,
    name,
    config: fillConfig(className, {}),
    position: { ...position },
  };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, node };
}

/** True when `to` can be reached from `from` along edges. */
function reaches(graph: ModelGraph, from: string, to: string): boolean {
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return true;
    for (const e of graph.edges) {
      if (e.source === id && !seen.has(e.target)) {
        seen.add(e.target);
        stack.push(e.target);
      }
    }
  }
  return false;
}

export function connect(graph: ModelGraph, source: string, target: string, targetSlot: number): EditResult {
  const src = graph.nodes.find((n) => n.id === source);
  const dst = graph.nodes.find((n) => n.id === target);
  if (!src || !dst) return { ok: false, reason: 'Both ends of a connection must be layers in this graph' };
  if (source === target) return { ok: false, reason: `${dst.name} cannot feed itself` };
  const spec = getLayerSpec(dst.className);
  if (spec && spec.inputs.max === 0)
    return { ok: false, reason: `${dst.name} is an Input layer: it takes no inputs` };
  const maxSlots = spec?.inputs.max ?? 64;
  if (!Number.isInteger(targetSlot) || targetSlot < 0 || targetSlot >= maxSlots) {
    return { ok: false, reason: `${dst.name} has no input ${targetSlot}` };
  }
  if (graph.edges.some((e) => e.target === target && e.targetSlot === targetSlot)) {
    return {
      ok: false,
      reason: `Input ${targetSlot} of ${dst.name} is already connected; disconnect it first`,
    };
  }
  if (reaches(graph, target, source)) {
    return { ok: false, reason: `Connecting ${src.name} → ${dst.name} would make a cycle` };
  }
  const id = uniqueId(new Set(graph.edges.map((e) => e.id)), `${source}->${target}:${targetSlot}`);
  const edge: GraphEdge = { id, source, target, targetSlot };
  return { ok: true, graph: { ...graph, edges: [...graph.edges, edge] } };
}

/**
 * Renumbers the slots of merge layers that lost an input so they stay 0…n−1 in their old order: removing the
 * first input of a Concatenate should not leave a hole that reads as an unconnected input.
 */
function compactSlots(nodes: GraphNode[], edges: GraphEdge[], touched: Set<string>): GraphEdge[] {
  const multi = new Set(
    nodes
      .filter((n) => touched.has(n.id) && (getLayerSpec(n.className)?.inputs.max ?? 1) > 1)
      .map((n) => n.id),
  );
  if (multi.size === 0) return edges;
  const slots = new Map<string, number>();
  for (const id of multi) {
    edges
      .filter((e) => e.target === id)
      .sort((a, b) => a.targetSlot - b.targetSlot)
      .forEach((e, i) => slots.set(e.id, i));
  }
  return edges.map((e) =>
    slots.has(e.id) && slots.get(e.id) !== e.targetSlot ? { ...e, targetSlot: slots.get(e.id)! } : e,
  );
}

export function disconnect(graph: ModelGraph, edgeId: string): ModelGraph {
  const edge = graph.edges.find((e) => e.id === edgeId);
  if (!edge) return graph;
  const edges = graph.edges.filter((e) => e.id !== edgeId);
  return { ...graph, edges: compactSlots(graph.nodes, edges, new Set([edge.target])) };
}

/**
 * Adds another call site of `ownerId`'s layer (shared weights, as calling one Keras layer twice). It carries the
 * owner's kind, name and config so it reads as that layer; connect its input like any node.
 */
export function shareLayer(
  graph: ModelGraph,
  ownerId: string,
  position: { x: number; y: number },
): { ok: true; graph: ModelGraph; node: GraphNode } | { ok: false; reason: string } {
  const found = graph.nodes.find((n) => n.id === ownerId);
  if (!found) return { ok: false, reason: `No layer with id ${ownerId}` };
  const owner = found.sharedWith ? graph.nodes.find((n) => n.id === found.sharedWith) : found;
  if (!owner) return { ok: false, reason: `${found.name} shares a layer that is not in the graph` };
  if (owner.className === 'InputLayer')
    return { ok: false, reason: 'An Input cannot be shared: connect it twice' };
  const id = uniqueId(new Set(graph.nodes.map((n) => n.id)), `${owner.id}-call`);
  const node: GraphNode = {
    id,
    className: owner.className,
    name: owner.name,
    config: { ...owner.config },
    position: { ...position },
    sharedWith: owner.id,
  };
  return { ok: true, graph: { ...graph, nodes: [...graph.nodes, node] }, node };
}

/**
 * Removing the owner of a shared layer keeps the layer: its first remaining call site becomes the owner and
 * the other call sites point at it.
 */
function promoteSharers(nodes: GraphNode[], removed: string): GraphNode[] {
  const heir = nodes.find((n) => n.sharedWith === removed);
  if (!heir) return nodes;
  return nodes.map((n) => {
    if (n.id === heir.id) {
      const { sharedWith: _dropped, ...rest } = n;
      return rest;
    }
    return n.sharedWith === removed ? { ...n, sharedWith: heir.id } : n;
  });
}

export function removeNode(graph: ModelGraph, id: string): ModelGraph {
  const nodes = promoteSharers(
    graph.nodes.filter((n) => n.id !== id),
    id,
  );
  const touched = new Set(graph.edges.filter((e) => e.source === id).map((e) => e.target));
  const edges = graph.edges.filter((e) => e.source !== id && e.target !== id);
  const outputs = graph.outputs?.filter((o) => o.nodeId !== id);
  return { ...graph, nodes, edges: compactSlots(nodes, edges, touched), ...(outputs ? { outputs } : {}) };
}

function replaceNode(graph: ModelGraph, id: string, change: (n: GraphNode) => GraphNode): ModelGraph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === id ? change(n) : n)) };
}

/** Applies `change` to a layer's owner and every call site of it. */
function replaceLayer(graph: ModelGraph, layer: string, change: (n: GraphNode) => GraphNode): ModelGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.id === layer || n.sharedWith === layer ? change(n) : n)),
  };
}

export function updateConfig(graph: ModelGraph, id: string, key: string, value: ArgValue): EditResult {
  const node = graph.nodes.find((n) => n.id === id);
  if (!node) return { ok: false, reason: `No layer with id ${id}` };
  const reason = validateArg(node.className, key, value);
  if (reason) return { ok: false, reason };
  const stored = Array.isArray(value) ? ([...value] as ArgValue) : value;
  // Every call site of a shared layer mirrors the owner's config: one layer, one config.
  const layer = node.sharedWith ?? node.id;
  const change = (n: GraphNode) => ({ ...n, config: { ...n.config, [key]: stored } });
  return { ok: true, graph: replaceLayer(graph, layer, change) };
}

export function renameNode(graph: ModelGraph, id: string, name: string): EditResult {
  const node = graph.nodes.find((n) => n.id === id);
  if (!node) return { ok: false, reason: `No layer with id ${id}` };
  const trimmed = name.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(trimmed)) {
    return {
      ok: false,
      reason:
        'A layer name starts with a letter or _ and uses only letters, digits, _ . - (at most 128 characters)',
    };
  }
  const layer = node.sharedWith ?? node.id;
  const sameLayer = (n: GraphNode) => n.id === layer || n.sharedWith === layer;
  if (graph.nodes.some((n) => !sameLayer(n) && n.name === trimmed)) {
    return { ok: false, reason: `The name "${trimmed}" is already used by another layer` };
  }
  return { ok: true, graph: replaceLayer(graph, layer, (n) => ({ ...n, name: trimmed })) };
}

export function moveNode(graph: ModelGraph, id: string, position: { x: number; y: number }): ModelGraph {
  return replaceNode(graph, id, (n) => ({ ...n, position: { ...position } }));
}
