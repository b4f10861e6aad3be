import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../experiment/defaults';
import { scaleGraph } from '../graph/testing/scale';
import { ExperimentStore } from './experiment-store.svelte';
import { FlowState } from './flow-state.svelte';

function setup(graph = scaleGraph(30)) {
  const store = new ExperimentStore({ ...defaultExperiment(), graph });
  const flow = new FlowState(() => store);
  flow.sync();
  return { store, flow };
}

/** The ids whose node object a sync replaced. */
function replaced(flow: FlowState, sync: () => void): string[] {
  const before = new Map(flow.nodes.map((n) => [n.id, n]));
  sync();
  return flow.nodes.filter((n) => before.get(n.id) !== n).map((n) => n.id);
}

describe('FlowState.sync', () => {
  it('draws every layer of the graph with its shape and selection', () => {
    const { store, flow } = setup();
    expect(flow.nodes.map((n) => n.id)).toEqual(store.graph.nodes.map((n) => n.id));
    expect(flow.edges).toHaveLength(store.graph.edges.length);
    expect(flow.nodes[0].data.shape).toBe('(None, 64)');
    expect(flow.nodes.filter((n) => n.selected)).toHaveLength(0);
  });

  it('keeps the same arrays when nothing changed', () => {
    const { flow } = setup();
    const [nodes, edges] = [flow.nodes, flow.edges];
    flow.sync();
    expect(flow.nodes).toBe(nodes);
    expect(flow.edges).toBe(edges);
  });

  it('replaces only the nodes whose selection changed', () => {
    const { store, flow } = setup();
    const [a, b] = [store.graph.nodes[3].id, store.graph.nodes[7].id];
    expect(replaced(flow, () => (store.select(a), flow.sync()))).toEqual([a]);
    expect(replaced(flow, () => (store.select(b), flow.sync()))).toEqual([a, b]);
    expect(flow.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual([b]);
    const data = new Map(flow.nodes.map((n) => [n.id, n.data]));
    store.select(null);
    flow.sync();
    // The selection is not drawn from data: every node keeps its data object.
    expect(flow.nodes.every((n) => data.get(n.id) === n.data)).toBe(true);
  });

  it('replaces a moved node and the nodes whose shapes an edit changed, nothing else', () => {
    const { store, flow } = setup();
    const moved = store.graph.nodes[5];
    expect(replaced(flow, () => (store.moveNodes([{ id: moved.id, x: 900, y: 700 }]), flow.sync()))).toEqual([
      moved.id,
    ]);
    expect(flow.nodes.find((n) => n.id === moved.id)?.position).toEqual({ x: 900, y: 700 });

    // Input 64 → 48 changes the shape of the input and the first Dense's parameter count; the other Dense
    // layers keep (None, 64).
    const input = store.graph.nodes[0];
    const changed = replaced(flow, () => (store.setArg(input.id, 'batch_shape', [null, 48]), flow.sync()));
    const after = new Map(flow.nodes.map((n) => [n.id, n.data]));
    expect(after.get(input.id)?.shape).toBe('(None, 48)');
    expect(changed).toContain(input.id);
    expect(changed.length).toBeGreaterThan(1);
    expect(changed.length).toBeLessThan(store.graph.nodes.length / 2);
  });

  it('keeps xyflow-owned state (measured size) on nodes it replaces', () => {
    const { store, flow } = setup();
    const id = store.graph.nodes[2].id;
    flow.nodes = flow.nodes.map((n) => (n.id === id ? { ...n, measured: { width: 190, height: 104 } } : n));
    store.select(id);
    flow.sync();
    const node = flow.nodes.find((n) => n.id === id);
    expect(node?.selected).toBe(true);
    expect(node?.measured).toEqual({ width: 190, height: 104 });
  });
});

describe('ExperimentStore analysis while editing', () => {
  it('reuses the analysis when a move changed only positions, and re-runs it after an edit', () => {
    const { store, flow } = setup();
    const analysis = store.analysis;
    const [a, b] = store.graph.nodes;
    store.moveNodes([
      { id: a.id, x: 500, y: 20 },
      { id: b.id, x: 700, y: 20 },
    ]);
    expect(store.graph.nodes[0].position).toEqual({ x: 500, y: 20 });
    expect(store.analysis).toBe(analysis);
    // The move redraws the two moved nodes and nothing else.
    expect(replaced(flow, () => flow.sync())).toEqual([a.id, b.id]);

    store.setArg(b.id, 'units', 16);
    expect(store.analysis).not.toBe(analysis);
    expect(store.analysis.shapes[b.id]).toEqual([null, 16]);
  });
});
