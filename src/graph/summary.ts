import type { GraphAnalysis, GraphEdge, ModelGraph, ParamCount } from './types';
import { analyzeGraph } from './analyze';
import { formatShape } from './shape';
import { renderTable, type RichColumn } from './rich-table';
import { callSites } from './shared';

export { formatShape };

export interface SummaryRow {
  nodeId: string;
  name: string;
  className: string;
  /** `(None, 64)`, or `?` when the shape cannot be inferred (see the analysis errors). */
  outputShape: string;
  params: number;
  /** Keras's "Connected to" entries, e.g. `dense[0][0]`; empty for an InputLayer. */
  connectedTo: string[];
}

export interface SummaryTable {
  /** In Keras's order: deepest first, ties in the order a depth-first walk from the outputs meets them. */
  rows: SummaryRow[];
  totals: ParamCount;
  /** Keras drops the "Connected to" column when the graph is a single chain. */
  sequentialLike: boolean;
}

/**
 * `shutil.get_terminal_size()` falls back to 80 columns when stdout is not a terminal (Colab, notebooks, CI,
 * keras.io), and Keras caps the table at columns − 4: the width most printed summaries have.
 */
export const KERAS_SUMMARY_WIDTH = 76;

/**
 * Keras's layer order (keras/src/ops/function.py `map_graph`): a call site's depth is the longest path to an
 * output, raised to the deepest call of the same layer; a layer's depth is its deepest call. Layers sort by
 * decreasing depth, ties by the first visit of any of their calls in a depth-first walk from each output
 * through inputs in order. Inputs no output depends on come last (depth 0, visit index -1).
 */
function kerasOrder(
  analysis: GraphAnalysis,
  incoming: Map<string, GraphEdge[]>,
  layerOf: (id: string) => string,
) {
  const visitIndex = new Map<string, number>();
  const postOrder: string[] = [];
  const finished = new Set<string>();
  const walk = (id: string) => {
    if (finished.has(id)) return;
    const layer = layerOf(id);
    if (!visitIndex.has(layer)) visitIndex.set(layer, visitIndex.size);
    finished.add(id);
    for (const e of incoming.get(id) ?? []) walk(e.source);
    postOrder.push(id);
  };
  for (const out of analysis.outputs) walk(out);
  const nodeDepth = new Map<string, number>();
  const depth = new Map<string, number>();
  for (let i = postOrder.length - 1; i >= 0; i--) {
    const id = postOrder[i];
    const d = Math.max(nodeDepth.get(id) ?? 0, depth.get(layerOf(id)) ?? 0);
    depth.set(layerOf(id), d);
    nodeDepth.set(id, d);
    for (const e of incoming.get(id) ?? [])
      nodeDepth.set(e.source, Math.max(d + 1, nodeDepth.get(e.source) ?? 0));
  }
  for (const id of analysis.inputs) {
    if (!depth.has(id)) {
      depth.set(id, 0);
      visitIndex.set(id, -1);
    }
  }
  const ids = [...depth.keys()];
  ids.sort((a, b) => depth.get(b)! - depth.get(a)! || visitIndex.get(a)! - visitIndex.get(b)!);
  const perDepth = new Map<number, number>();
  for (const d of depth.values()) perDepth.set(d, (perDepth.get(d) ?? 0) + 1);
  const sequentialLike =
    [...perDepth.values()].every((n) => n === 1) && ids.every((id) => (incoming.get(id)?.length ?? 0) <= 1);
  return { ids, sequentialLike };
}

/**
 * Structured summary for the UI table; `summary()` renders the same rows as Keras text. A shared layer is
 * one row: its params once, "Connected to" listing every call's inputs as `layer[call][0]` in call order,
 * and (as Keras 3 prints) the output shape of its last call.
 */
export function summaryRows(graph: ModelGraph, analysis: GraphAnalysis = analyzeGraph(graph)): SummaryTable {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    (incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!).push(e);
  }
  for (const list of incoming.values()) list.sort((a, b) => a.targetSlot - b.targetSlot);
  const layerOf = (id: string) => {
    const node = byId.get(id)!;
    return node.sharedWith !== undefined && byId.has(node.sharedWith) ? node.sharedWith : id;
  };
  const { ids, sequentialLike } = kerasOrder(analysis, incoming, layerOf);
  const { byLayer, callIndex } = callSites(graph, analysis.order);
  const rows = ids.map((id): SummaryRow => {
    const node = byId.get(id)!;
    const calls = byLayer.get(id) ?? [id];
    const shape = analysis.shapes[calls[calls.length - 1]];
    const p = analysis.params[id];
    return {
      nodeId: id,
      name: node.name,
      className: node.className,
      outputShape: shape ? formatShape(shape) : '?',
      params: p ? p.trainable + p.nonTrainable : 0,
      connectedTo: calls.flatMap((call) =>
        (incoming.get(call) ?? []).map(
          (e) => `${byId.get(layerOf(e.source))!.name}[${callIndex.get(e.source) ?? 0}][0]`,
        ),
      ),
    };
  });
  return {
    rows,
    totals: { ...analysis.totals },
    // Keras shows "Connected to" for a shared layer even in a chain: its calls are what the column explains.
    sequentialLike: sequentialLike && [...byLayer.values()].every((calls) => calls.length === 1),
  };
}

/** Python's `f"{n:,}"`. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Keras `readable_memory_size`: "{:.2f} {unit}" in powers of 1024. Python rounds exact halves to even; the
 * values are dyadic fractions so halves do occur (1,152 B is 1.125 KB → "1.12 KB"), hence integer arithmetic.
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let k = 0;
  while (k < units.length - 1 && bytes >= 1024 ** (k + 1)) k++;
  const divisor = 1024n ** BigInt(k);
  const scaled = BigInt(Math.round(bytes)) * 100n;
  let hundredths = scaled / divisor;
  const twice = (scaled % divisor) * 2n;
  if (twice > divisor || (twice === divisor && hundredths % 2n === 1n)) hundredths += 1n;
  const whole = hundredths / 100n;
  const frac = String(hundredths % 100n).padStart(2, '0');
  return `${whole}.${frac} ${units[k]}`;
}

/** Float32 weights: 4 bytes each. */
const BYTES_PER_PARAM = 4;

export interface SummaryOptions {
  /** Keras's `line_length`; defaults to what Keras prints outside a terminal. */
  lineLength?: number;
  /** The graph's analysis when the caller already has it (the editor does); computed otherwise. */
  analysis?: GraphAnalysis;
}

/**
 * Keras 3 `model.summary()` text for this graph, byte for byte as captured from a non-colour console
 * (keras/src/utils/summary_utils.py rendered by rich), ending with a newline.
 */
export function summary(graph: ModelGraph, modelName = 'functional', options: SummaryOptions = {}): string {
  const table = summaryRows(graph, options.analysis);
  const seq = table.sequentialLike;
  const lineLength = options.lineLength ?? KERAS_SUMMARY_WIDTH;
  const positions = seq ? [0.45, 0.8, 1.0] : [0.3, 0.56, 0.74, 1.0];
  const headers = seq
    ? ['Layer (type)', 'Output Shape', 'Param #']
    : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  let current = 0;
  const columns: RichColumn[] = positions.map((pos, i) => {
    const width = Math.floor(pos * lineLength) - current;
    current += width;
    return { header: headers[i], width, justify: i === 2 ? 'right' : 'left' };
  });
  const rows = table.rows.map((r) => {
    const cells = [`${r.name} (${r.className})`, r.outputShape, formatCount(r.params)];
    if (!seq) cells.push(r.connectedTo.length ? r.connectedTo.join(', ') : '-');
    return cells;
  });
  const { trainable, nonTrainable } = table.totals;
  const line = (label: string, n: number) =>
    ` ${label}: ${formatCount(n)} (${formatBytes(n * BYTES_PER_PARAM)})`;
  return [
    `Model: "${modelName}"`,
    ...renderTable(columns, rows, lineLength),
    line('Total params', trainable + nonTrainable),
    line('Trainable params', trainable),
    line('Non-trainable params', nonTrainable),
    '',
  ].join('\n');
}
