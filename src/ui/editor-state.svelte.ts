import type { ModelGraph } from '../graph/types';
import {
  fromKerasJson,
  fromSequential,
  shareLayer,
  toKerasJson,
  toSequential,
  TEMPLATES,
} from '../graph/index';
import type { ExperimentStore } from './experiment-store.svelte';
import { GraphHistory } from './history.svelte';
import { copyNodes, pasteNodes, PASTE_OFFSET, type GraphClip } from './clipboard';
import { autoLayout, type NodeSizes } from './auto-layout';

/** What the centre of the screen shows: the canvas, the Sequential list, or the generated code. */
export type EditorView = 'graph' | 'sequential' | 'code';

/** The Templates menu: a blank canvas, then the graph core's templates under their own labels. */
export const TEMPLATE_ITEMS: readonly { id: string; label: string; build: () => ModelGraph }[] = [
  { id: 'blank', label: 'Blank canvas', build: () => ({ nodes: [], edges: [] }) },
  ...TEMPLATES,
];

/** Where a new call site of a shared layer lands: below its owner. */
const SHARE_DROP = 170;

/**
 * The editor's commands beyond single edits: undo/redo, copy/paste, templates, import/export, layout, sharing.
 * Every command that changes the graph goes through `store.replaceGraph`, so the history sees it like any edit.
 */
export class EditorState {
  #store: () => ExperimentStore;
  readonly history: GraphHistory;
  #clip = $state.raw<GraphClip | null>(null);
  #pastes = 0;
  view = $state<EditorView>('graph');
  /** Why the last import was refused, one problem per line; null when there is nothing to report. */
  importProblems = $state.raw<string[] | null>(null);
  layingOut = $state(false);

  constructor(store: () => ExperimentStore) {
    this.#store = store;
    this.history = new GraphHistory(store().graph);
  }

  get canPaste(): boolean {
    return this.#clip !== null;
  }

  /** Call from an effect: every new graph the store shows becomes one undo step. */
  track(): void {
    this.history.record(this.#store().graph);
  }

  undo(): void {
    const graph = this.history.undo();
    if (graph) this.#store().replaceGraph(graph);
  }

  redo(): void {
    const graph = this.history.redo();
    if (graph) this.#store().replaceGraph(graph);
  }

  copy(nodeIds: readonly string[]): number {
    const clip = copyNodes(this.#store().graph, nodeIds);
    if (clip) {
      this.#clip = clip;
      this.#pastes = 0;
    }
    return clip?.nodes.length ?? 0;
  }

  /** Pastes the copied nodes, each paste a step further from the originals; selects the first pasted node. */
  paste(): string[] {
    if (!this.#clip) return [];
    this.#pastes += 1;
    const offset = { x: PASTE_OFFSET.x * this.#pastes, y: PASTE_OFFSET.y * this.#pastes };
    const { graph, nodeIds } = pasteNodes(this.#store().graph, this.#clip, offset);
    this.#store().replaceGraph(graph, nodeIds[0] ?? null);
    return nodeIds;
  }

  /** Removes several nodes at once (one undo step). */
  removeNodes(nodeIds: readonly string[]): void {
    if (nodeIds.length > 0) this.#store().remove([...nodeIds], []);
  }

  applyTemplate(id: string): void {
    const item = TEMPLATE_ITEMS.find((t) => t.id === id);
    if (!item) return;
    this.#store().replaceGraph(item.build(), null);
    this.importProblems = null;
  }

  /** Reads a model.json; a refused file changes nothing and lists every problem at once. */
  importJson(text: string): boolean {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      this.importProblems = [`This file is not JSON: ${e instanceof Error ? e.message : String(e)}`];
      return false;
    }
    const result = fromKerasJson(json);
    if (!result.ok) {
      this.importProblems = result.problems;
      return false;
    }
    this.importProblems = null;
    this.#store().replaceGraph(result.graph, null);
    return true;
  }

  /** The graph as a Keras/tfjs model.json, or the reason it cannot be written yet. */
  exportJson(): { ok: true; text: string } | { ok: false; reason: string } {
    const store = this.#store();
    try {
      return { ok: true, text: JSON.stringify(toKerasJson(store.graph, store.name), null, 2) };
    } catch (e) {
      return { ok: false, reason: e instanceof Error ? e.message : String(e) };
    }
  }

  async layout(sizes: NodeSizes): Promise<void> {
    const graph = this.#store().graph;
    this.layingOut = true;
    try {
      const positions = await autoLayout(graph, sizes);
      // An edit made while ELK ran wins: laying out a graph that is no longer shown would undo it.
      if (this.#store().graph === graph) this.#store().moveNodes(positions);
    } finally {
      this.layingOut = false;
    }
  }

  /** Another call site of the node's layer (one set of weights), placed below it and selected. */
  share(nodeId: string): void {
    const store = this.#store();
    const node = store.graph.nodes.find((n) => n.id === nodeId);
    if (!node) return;
    const result = shareLayer(store.graph, nodeId, { x: node.position.x, y: node.position.y + SHARE_DROP });
    if (!result.ok) store.say(result.reason);
    else store.replaceGraph(result.graph, result.node.id);
  }

  /** Relays a linear stack out as one row (the Sequential form, back on the canvas). */
  stackAsRow(): void {
    const result = toSequential(this.#store().graph);
    if (result.ok) this.#store().replaceGraph({ ...this.#store().graph, ...fromSequential(result.layers) });
  }
}
