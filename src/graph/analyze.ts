import type { GraphAnalysis, GraphEdge, GraphError, GraphNode, ModelGraph, ParamCount, Shape } from './types';
import { applyTrainable, checkArgValue, fillConfig, getLayerSpec, trainableSpec } from './registry';
import { shareLinkError, shareShapeError } from './shared';
import { orderOutputs } from './outputs';

type Adjacency = { incoming: Map<string, GraphEdge[]>; outgoing: Map<string, GraphEdge[]> };

function adjacency(graph: ModelGraph, byId: Map<string, GraphNode>): Adjacency {
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    // An edge to a deleted node carries nothing; the editor removes those, a hand-edited link may not.
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    (incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!).push(e);
    (outgoing.get(e.source) ?? outgoing.set(e.source, []).get(e.source)!).push(e);
  }
  return { incoming, outgoing };
}

/** Kahn's algorithm seeded in `graph.nodes` order, so the order is deterministic; what it cannot reach is cyclic. */
function topologicalOrder(nodes: GraphNode[], adj: Adjacency): { order: string[]; stuck: Set<string> } {
  const indegree = new Map<string, number>();
  for (const n of nodes) indegree.set(n.id, adj.incoming.get(n.id)?.length ?? 0);
  const queue = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  for (let i = 0; i < queue.length; i++) {
    for (const e of adj.outgoing.get(queue[i]) ?? []) {
      const left = indegree.get(e.target)! - 1;
      indegree.set(e.target, left);
      if (left === 0) queue.push(e.target);
    }
  }
  const stuck = new Set(nodes.filter((n) => indegree.get(n.id)! > 0).map((n) => n.id));
  return { order: queue, stuck };
}

/** Strongly connected components among the stuck nodes (Tarjan): the cycles themselves, not what hangs off them. */
function cycles(stuck: Set<string>, adj: Adjacency): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const e of adj.outgoing.get(v) ?? []) {
      const w = e.target;
      if (!stuck.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      const selfLoop = (adj.outgoing.get(v) ?? []).some((e) => e.target === v);
      if (scc.length > 1 || selfLoop) found.push(scc.reverse());
    }
  };
  for (const v of stuck) if (!index.has(v)) visit(v);
  return found;
}

/** Checks one node's incoming edges against its spec; returns the source of each slot, or null when broken. */
function slotSources(
  node: GraphNode,
  inputs: { min: number; max: number },
  edges: GraphEdge[],
  errors: GraphError[],
): string[] | null {
  const cls = node.className;
  if (inputs.max === 0) {
    if (edges.length === 0) return [];
    errors.push({
      kind: 'input-count',
      nodeId: node.id,
      expected: '0',
      found: edges.length,
      message: `${cls} is where data enters the model; it takes no inputs, found ${edges.length} connected`,
    });
    return null;
  }
  if (edges.length === 0) {
    errors.push({
      kind: 'unconnected-input',
      nodeId: node.id,
      slot: 0,
      message: `${cls} input 0 is not connected`,
    });
    return null;
  }
  const sources: (string | undefined)[] = [];
  let broken = false;
  for (const e of edges) {
    if (sources[e.targetSlot] !== undefined) {
      errors.push({
        kind: 'input-count',
        nodeId: node.id,
        expected: '1 edge per input slot',
        found: edges.filter((x) => x.targetSlot === e.targetSlot).length,
        message: `${cls} input ${e.targetSlot} is fed by more than one edge; each input takes one tensor`,
      });
      return null;
    }
    sources[e.targetSlot] = e.source;
  }
  for (let slot = 0; slot < sources.length; slot++) {
    if (sources[slot] === undefined) {
      errors.push({
        kind: 'unconnected-input',
        nodeId: node.id,
        slot,
        message: `${cls} input ${slot} is not connected`,
      });
      broken = true;
    }
  }
  const count = sources.length;
  if (count < inputs.min || count > inputs.max) {
    const expected = inputs.min === inputs.max ? `${inputs.min}` : `${inputs.min}–${inputs.max}`;
    const want =
      inputs.min === inputs.max
        ? `takes exactly ${inputs.min} input${inputs.min === 1 ? '' : 's'}`
        : `takes at least ${inputs.min} inputs`;
    errors.push({
      kind: 'input-count',
      nodeId: node.id,
      expected,
      found: count,
      message: `${cls} ${want}, found ${count}`,
    });
    broken = true;
  }
  return broken ? null : (sources as string[]);
}

/**
 * Shapes, parameter counts and every error of a graph, in one pass. It runs on every keystroke, so it does no
 * allocation it can avoid. A node whose inputs are broken gets no shape and no error of its own: only the node
 * that causes a problem carries it.
 */
export function analyzeGraph(graph: ModelGraph): GraphAnalysis {
  const errors: GraphError[] = [];
  const byId = new Map<string, GraphNode>();
  for (const n of graph.nodes) byId.set(n.id, n);
  const adj = adjacency(graph, byId);

  const names = new Set<string>();
  for (const n of graph.nodes) {
    // A call site of a shared layer is named after the layer it runs; its name is not a second layer's.
    if (n.sharedWith !== undefined) continue;
    if (names.has(n.name)) {
      errors.push({
        kind: 'duplicate-name',
        nodeId: n.id,
        name: n.name,
        message: `The name "${n.name}" is already used by another layer; layer names must be unique`,
      });
    } else names.add(n.name);
  }

  const { order, stuck } = topologicalOrder(graph.nodes, adj);
  const cycleList = cycles(stuck, adj);
  for (const scc of cycleList) {
    const path = [...scc, scc[0]].map((id) => byId.get(id)!.name).join(' → ');
    errors.push({
      kind: 'cycle',
      nodeIds: scc,
      message: `Cycle ${path}: a model must flow one way, from inputs to outputs`,
    });
  }

  const shapes: Record<string, Shape> = {};
  const params: Record<string, ParamCount> = {};
  const totals: ParamCount = { trainable: 0, nonTrainable: 0 };
  // Input shapes of owners and call sites of shared layers, to check after the pass that their weights agree.
  const sharedInputs = new Map<string, Shape[]>();
  const owners = new Set<string>();
  for (const n of graph.nodes) if (n.sharedWith !== undefined) owners.add(n.sharedWith);
  for (const id of order) {
    const node = byId.get(id)!;
    const linkError = shareLinkError(node, byId);
    if (linkError) {
      errors.push(linkError);
      continue;
    }
    const isCallSite = node.sharedWith !== undefined;
    // A call site runs its owner's layer: the owner's config (and arg errors, reported on the owner) count.
    const layerNode = isCallSite ? byId.get(node.sharedWith!)! : node;
    const spec = getLayerSpec(node.className);
    if (!spec) {
      errors.push({
        kind: 'unknown-layer',
        nodeId: id,
        className: node.className,
        message: `Unknown layer kind ${node.className}`,
      });
      continue;
    }
    const config = fillConfig(node.className, layerNode.config);
    let argsOk = true;
    const trainable = config.trainable === undefined ? undefined : trainableSpec(node.className);
    for (const arg of trainable ? [...spec.args, trainable] : spec.args) {
      const reason = checkArgValue(arg, config[arg.key]);
      if (reason) {
        if (!isCallSite) errors.push({ kind: 'invalid-arg', nodeId: id, arg: arg.key, message: reason });
        argsOk = false;
      }
    }
    const sources = slotSources(node, spec.inputs, adj.incoming.get(id) ?? [], errors);
    if (!argsOk || !sources) continue;
    const inputShapes: Shape[] = [];
    for (const s of sources) {
      const shape = shapes[s];
      if (!shape) break;
      inputShapes.push(shape);
    }
    if (inputShapes.length !== sources.length) continue;
    const result = spec.inferShape(inputShapes, config);
    if (!result.ok) {
      errors.push(
        result.arg
          ? { kind: 'invalid-arg', nodeId: id, arg: result.arg, message: result.message }
          : {
              kind: 'shape-mismatch',
              nodeId: id,
              expected: result.expected,
              found: result.found,
              message: result.message,
            },
      );
      continue;
    }
    shapes[id] = result.shape;
    const count = applyTrainable(spec.paramCount(inputShapes, config), config);
    params[id] = count;
    if (isCallSite || owners.has(id)) sharedInputs.set(id, inputShapes);
    if (isCallSite) continue;
    totals.trainable += count.trainable;
    totals.nonTrainable += count.nonTrainable;
  }
  for (const node of graph.nodes) {
    const owner = node.sharedWith === undefined ? undefined : byId.get(node.sharedWith);
    if (!owner || !params[node.id] || !params[owner.id]) continue;
    const e = shareShapeError(
      node,
      owner,
      params[node.id],
      params[owner.id],
      sharedInputs.get(node.id)!,
      sharedInputs.get(owner.id)!,
    );
    if (e) errors.push(e);
  }

  const inputs: string[] = [];
  const unordered: string[] = [];
  for (const n of graph.nodes) {
    if (n.className === 'InputLayer') inputs.push(n.id);
    else if (!stuck.has(n.id) && !adj.outgoing.has(n.id)) unordered.push(n.id);
  }
  const outputs = orderOutputs(graph, unordered, byId, errors);
  // Keras accepts an input no output uses, but tfjs-layers leaves it out of model.layers and every fit
  // would still have to feed it: almost always an Input dragged in and forgotten.
  if (outputs.length > 0) {
    for (const id of inputs) {
      if (adj.outgoing.has(id)) continue;
      const name = byId.get(id)!.name;
      errors.push({
        kind: 'unused-input',
        nodeId: id,
        message: `Input ${name} feeds no layer: connect it or remove it`,
      });
    }
  }
  if (inputs.length === 0) {
    errors.push({
      kind: 'no-input',
      message: 'The model has no Input layer: add one to say what data goes in',
    });
  }
  // Outputs past a cycle are unknown, not missing: the cycle error already says what to fix.
  if (outputs.length === 0 && cycleList.length === 0) {
    errors.push({ kind: 'no-output', message: 'The model has no output: connect a layer after the inputs' });
  }
  return { order, shapes, params, errors, inputs, outputs, totals };
}
