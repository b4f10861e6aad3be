import { untrack } from 'svelte';
import type { Edge, Node } from '@xyflow/svelte';
import type { ExperimentStore } from './experiment-store.svelte';
import { formatShape, getLayerSpec, nodeTrainable } from './graph-ops';

/** What one layer node draws; everything is precomputed here so the node component only renders. */
export interface LayerNodeData extends Record<string, unknown> {
  name: string;
  className: string;
  shape: string;
  params: number;
  errors: string[];
  /** Input handles to draw, one per slot; a merge layer keeps one free slot while it can take more. */
  slots: number;
  hasOutput: boolean;
  /** Set on every call site of a shared layer: "shared with dense" on a call site, "shared: 2 calls" on the owner. */
  shared: string | null;
  /** The layer is frozen (trainable: false; a call site follows its owner): the node shows a "frozen" badge. */
  frozen: boolean;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
/** What the flow is drawn from: the store's graph, its analysis and the selection. */
export type FlowSource = Pick<ExperimentStore, 'graph' | 'analysis' | 'errorsByNode' | 'selectedId'>;

export const OUTPUT_HANDLE = 'out';
/** The drag-and-drop payload type the palette sets and the canvas accepts. */
export const LAYER_MIME = 'application/x-kiln-layer';
export const inputHandle = (slot: number): string => `in-${slot}`;
export function slotOf(handle: string | null | undefined): number {
  const match = /^in-(\d+)$/.exec(handle ?? '');
  return match ? Number(match[1]) : 0;
}

/**
 * Svelte Flow's view of the graph. xyflow owns transient view state (measured sizes, selection, positions
 * mid-drag), so nodes are rebuilt from the graph while keeping what xyflow added.
 */
export class FlowState {
  #store: () => FlowSource;
  #nodes = $state.raw<LayerFlowNode[]>([]);
  #edges = $state.raw<Edge[]>([]);
  /** The store's selection at the last sync: when it changes, the store (not xyflow) decides what is selected. */
  #lastSelected: string | null = null;
  #lastReported = '';

  constructor(store: () => FlowSource) {
    this.#store = store;
  }

  get nodes(): LayerFlowNode[] {
    return this.#nodes;
  }
  set nodes(nodes: LayerFlowNode[]) {
    this.#nodes = nodes;
  }
  get edges(): Edge[] {
    return this.#edges;
  }
  set edges(edges: Edge[]) {
    this.#edges = edges;
  }

  /**
   * True when xyflow reports a selection different from its previous report. xyflow can re-report its old
   * selection after the store has already selected something else (a layer added from the palette); passing
   * that echo on would undo the store's choice.
   */
  selectionChanged(nodeIds: string[]): boolean {
    const key = nodeIds.join('\n');
    if (key === this.#lastReported) return false;
    this.#lastReported = key;
    return true;
  }

  /**
   * Rebuilds nodes and edges from the graph; call inside an effect (it reads the graph and its analysis).
   * Anything unchanged keeps its previous object: xyflow then keeps its internal node, the node component does
   * not re-run, and a selection change (as when a drag starts) touches two nodes instead of redrawing them all.
   */
  sync(): void {
    const { graph, analysis, errorsByNode, selectedId } = this.#store();
    const [prevNodes, prevEdges] = untrack(() => [this.#nodes, this.#edges] as const);
    const old: Record<string, LayerFlowNode> = Object.fromEntries(prevNodes.map((n) => [n.id, n]));
    const oldEdges: Record<string, Edge> = Object.fromEntries(prevEdges.map((e) => [e.id, e]));
    const storeSelects = selectedId !== this.#lastSelected;
    this.#lastSelected = selectedId;
    const used: Record<string, number> = {};
    for (const e of graph.edges) used[e.target] = Math.max(used[e.target] ?? 0, e.targetSlot + 1);
    const calls: Record<string, number> = {};
    for (const n of graph.nodes) if (n.sharedWith) calls[n.sharedWith] = (calls[n.sharedWith] ?? 1) + 1;
    const nameOf: Record<string, string> = Object.fromEntries(graph.nodes.map((n) => [n.id, n.name]));

    const nodes = graph.nodes.map((n) => {
      const spec = getLayerSpec(n.className);
      const min = spec?.inputs.min ?? 1;
      const max = spec?.inputs.max ?? 1;
      const slots = Math.min(max, Math.max(min, (used[n.id] ?? 0) + (max > min ? 1 : 0)));
      const p = analysis.params[n.id];
      const prev = old[n.id];
      const data: LayerNodeData = {
        name: n.name,
        className: n.className,
        shape: formatShape(analysis.shapes[n.id]),
        params: p ? p.trainable + p.nonTrainable : 0,
        errors: errorsByNode[n.id] ?? [],
        slots: Number.isFinite(slots) ? slots : 1,
        hasOutput: true,
        shared: n.sharedWith
          ? `shared with ${nameOf[n.sharedWith] ?? n.sharedWith}`
          : calls[n.id]
            ? `shared: ${calls[n.id]} calls`
            : null,
        frozen: n.className !== 'InputLayer' && !nodeTrainable(graph, n),
      };
      const selected = storeSelects || !prev ? n.id === selectedId : (prev.selected ?? false);
      if (!prev)
        return { id: n.id, type: 'layer', position: n.position, selected, data } satisfies LayerFlowNode;
      const samePosition = prev.position.x === n.position.x && prev.position.y === n.position.y;
      const sameData = sameNodeData(prev.data, data);
      if (samePosition && sameData && (prev.selected ?? false) === selected) return prev;
      return {
        ...prev,
        position: samePosition ? prev.position : n.position,
        selected,
        data: sameData ? prev.data : data,
      } satisfies LayerFlowNode;
    });
    const edges = graph.edges.map((e) => {
      const prev = oldEdges[e.id];
      const edge: Edge = {
        selected: prev?.selected ?? false,
        ariaLabel: `Connection from ${nameOf[e.source]} to ${nameOf[e.target]}`,
        id: e.id,
        source: e.source,
        target: e.target,
        sourceHandle: OUTPUT_HANDLE,
        targetHandle: inputHandle(e.targetSlot),
      };
      return prev && sameEdge(prev, edge) ? prev : edge;
    });
    // The same array when nothing changed: xyflow then has nothing to redo.
    this.#nodes = sameItems(prevNodes, nodes) ? prevNodes : nodes;
    this.#edges = sameItems(prevEdges, edges) ? prevEdges : edges;
  }
}

const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i]);

function sameNodeData(a: LayerNodeData, b: LayerNodeData): boolean {
  return (
    a.name === b.name &&
    a.className === b.className &&
    a.shape === b.shape &&
    a.params === b.params &&
    sameItems(a.errors, b.errors) &&
    a.slots === b.slots &&
    a.hasOutput === b.hasOutput &&
    a.shared === b.shared &&
    a.frozen === b.frozen
  );
}

const EDGE_FIELDS = ['selected', 'ariaLabel', 'source', 'target', 'sourceHandle', 'targetHandle'] as const;
const sameEdge = (a: Edge, b: Edge): boolean => EDGE_FIELDS.every((key) => a[key] === b[key]);
