import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../experiment/defaults';
import { scaleGraph } from '../graph/testing/scale';
import { ExperimentStore } from './experiment-store.svelte';

describe('ExperimentStore after a move', () => {
  it('keeps the analysis, the summary table and the Keras text; an arg edit renews them', () => {
    const store = new ExperimentStore({ ...defaultExperiment(), graph: scaleGraph(40) });
    const analysis = store.analysis;
    const table = store.summary;
    const text = store.kerasSummary;
    const [first, second] = store.graph.nodes;
    store.moveNodes([
      { id: first.id, x: first.position.x + 25, y: first.position.y + 40 },
      { id: second.id, x: second.position.x - 10, y: second.position.y },
    ]);
    expect(store.graph.nodes[0].position.x).toBe(first.position.x + 25);
    expect(store.analysis).toBe(analysis);
    expect(store.summary).toBe(table);
    expect(store.kerasSummary).toBe(text);

    const dense = store.graph.nodes.find((n) => n.className === 'Dense')!;
    expect(store.setArg(dense.id, 'units', 7)).toBe(true);
    expect(store.summary).not.toBe(table);
    expect(store.summary.rows.find((r) => r.nodeId === dense.id)?.outputShape).toBe('(None, 7)');
    expect(store.kerasSummary).not.toBe(text);
    expect(store.kerasSummary).toContain('(None, 7)');
  });

  it('renews the Keras text when the experiment is renamed by a load', () => {
    const store = new ExperimentStore({ ...defaultExperiment(), graph: scaleGraph(12) });
    const text = store.kerasSummary;
    store.load({ ...defaultExperiment(), name: 'renamed', graph: store.graph });
    expect(store.kerasSummary).not.toBe(text);
    expect(store.kerasSummary).toContain('Model: "renamed"');
  });
});

describe('ExperimentStore.addLayer', () => {
  it('wires a layer placed at a position to the selection when asked, and selects it', () => {
    const store = new ExperimentStore({ ...defaultExperiment(), graph: scaleGraph(3) });
    const from = store.graph.nodes.at(-1)!;
    store.select(from.id);
    store.addLayer('Dropout', { x: 900, y: 700 }, { wire: true });
    const added = store.graph.nodes.at(-1)!;
    expect(added.position).toEqual({ x: 900, y: 700 });
    expect(store.selectedId).toBe(added.id);
    expect(store.graph.edges.some((e) => e.source === from.id && e.target === added.id)).toBe(true);
  });

  it('leaves a dropped layer unwired', () => {
    const store = new ExperimentStore({ ...defaultExperiment(), graph: scaleGraph(3) });
    store.select(store.graph.nodes.at(-1)!.id);
    store.addLayer('Dropout', { x: 900, y: 700 });
    const added = store.graph.nodes.at(-1)!;
    expect(store.graph.edges.some((e) => e.target === added.id)).toBe(false);
  });
});

describe('ExperimentStore.isModified', () => {
  it('is false as loaded, true after an edit or a setting, false again when the edit is undone', () => {
    const store = new ExperimentStore(defaultExperiment());
    expect(store.isModified()).toBe(false);
    const graph = store.graph;
    store.moveNodes([{ id: graph.nodes[0].id, x: 999, y: 999 }]);
    expect(store.isModified()).toBe(true);
    store.replaceGraph(graph);
    expect(store.isModified()).toBe(false);
    store.seed = 7;
    expect(store.isModified()).toBe(true);
    store.load(store.spec());
    expect(store.isModified()).toBe(false);
  });
});
