import { addNode, connect, updateConfig } from '../edit';
import type { ArgValue, ModelGraph } from '../types';

/** Horizontal and vertical spacing of the generated layout, in editor pixels (as the templates use). */
const COLUMN = 220;
const ROW = 160;
/** Blocks per band: the graph wraps into bands so that it fits a screen instead of one 30,000 px row. */
const BLOCKS_PER_BAND = 4;
const BLOCK_COLUMNS = 8;
const BLOCK_NODES = 10;

/**
 * A valid `size`-node graph for scale tests and the bench (`?experiment=scale200`), built with the edit helpers
 * the editor uses: Input 64, then blocks of ten layers —
 * Dense 64 relu → Dropout 0.1 → Dense 64 → Activation relu, added to a Dense 64 skip branch; the sum feeds two
 * Dense 32 whose Concatenate goes through an Activation tanh — then a Dense/Dropout tail and a Dense 1 sigmoid.
 */
export function scaleGraph(size = 200): ModelGraph {
  if (!Number.isInteger(size) || size < 2)
    throw new Error(`scaleGraph: size must be an integer ≥ 2, not ${size}`);
  let graph: ModelGraph = { nodes: [], edges: [] };

  const add = (className: string, config: Record<string, ArgValue>, column: number, row: number): string => {
    const added = addNode(graph, className, { x: 40 + column * COLUMN, y: 40 + row * ROW });
    graph = added.graph;
    for (const [key, value] of Object.entries(config)) {
      const edit = updateConfig(graph, added.node.id, key, value);
      if (!edit.ok) throw new Error(`scaleGraph: ${className}.${key}: ${edit.reason}`);
      graph = edit.graph;
    }
    return added.node.id;
  };
  const link = (source: string, target: string, slot = 0): void => {
    const edit = connect(graph, source, target, slot);
    if (!edit.ok) throw new Error(`scaleGraph: ${edit.reason}`);
    graph = edit.graph;
  };

  let x = add('InputLayer', { batch_shape: [null, 64] }, 0, 0);
  let block = 0;
  // Each block takes ten nodes; the tail (at least the final Dense) takes the rest.
  while (graph.nodes.length + BLOCK_NODES < size) {
    const band = Math.floor(block / BLOCKS_PER_BAND);
    const c = 1 + (block % BLOCKS_PER_BAND) * BLOCK_COLUMNS;
    const r = band * 2.5;
    const d1 = add('Dense', { units: 64, activation: 'relu' }, c, r);
    link(x, d1);
    const drop = add('Dropout', { rate: 0.1 }, c + 1, r);
    link(d1, drop);
    const d2 = add('Dense', { units: 64 }, c + 2, r);
    link(drop, d2);
    const act = add('Activation', { activation: 'relu' }, c + 3, r);
    link(d2, act);
    const skip = add('Dense', { units: 64 }, c + 1.5, r + 1);
    link(x, skip);
    const sum = add('Add', {}, c + 4, r + 0.5);
    link(act, sum, 0);
    link(skip, sum, 1);
    const p = add('Dense', { units: 32, activation: 'relu' }, c + 5, r);
    link(sum, p);
    const q = add('Dense', { units: 32, activation: 'relu' }, c + 5, r + 1);
    link(sum, q);
    const cat = add('Concatenate', {}, c + 6, r + 0.5);
    link(p, cat, 0);
    link(q, cat, 1);
    x = add('Activation', { activation: 'tanh' }, c + 7, r + 0.5);
    link(cat, x);
    block++;
  }
  const tailRow = Math.ceil(block / BLOCKS_PER_BAND) * 2.5;
  let column = 1;
  while (graph.nodes.length < size - 1) {
    const next =
      graph.nodes.length % 2
        ? add('Dense', { units: 64, activation: 'relu' }, column, tailRow)
        : add('Dropout', { rate: 0.1 }, column, tailRow);
    link(x, next);
    x = next;
    column++;
  }
  const out = add('Dense', { units: 1, activation: 'sigmoid' }, column, tailRow);
  link(x, out);
  return graph;
}
