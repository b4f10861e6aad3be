/**
 * The UI's one doorway into src/graph: every graph rule lives there; this file only gives the editor one
 * result shape (`Edit`) for every edit so refusals are handled the same way everywhere.
 */
import * as g from '../graph/index';
import type {
  ArgValue,
  GraphAnalysis,
  GraphNode,
  LayerSpec,
  ModelGraph,
  Shape,
  SummaryTable,
} from '../graph/index';

export type Edit = g.EditResult;
export type Analysis = GraphAnalysis;

export const listLayerSpecs = (): readonly LayerSpec[] => g.listLayerSpecs();
export const getLayerSpec = (className: string): LayerSpec | undefined => g.getLayerSpec(className);
export const formatShape = (shape: Shape | undefined): string => (shape ? g.formatShape(shape) : '?');
/**
 * Wraps a function of the graph (shape inference, the summary table, the Keras text) so that a graph differing
 * from the previous call's only in node positions (a drag that ends, an arrow-key move, a layout), with the
 * same further arguments, gets the previous result back as is: none of them reads positions, and keeping the
 * result object keeps everything derived from it (errors per node, the canvas's node data, the summary's rows)
 * unchanged.
 */
export function positionBlind<A extends unknown[], R>(
  compute: (graph: ModelGraph, ...args: A) => R,
): (graph: ModelGraph, ...args: A) => R {
  let last: { graph: ModelGraph; args: A; result: R } | null = null;
  return (graph, ...args) => {
    const reuse =
      last !== null &&
      args.length === last.args.length &&
      args.every((a, i) => a === last!.args[i]) &&
      onlyPositionsDiffer(last.graph, graph);
    const result = reuse ? last!.result : compute(graph, ...args);
    last = { graph, args, result };
    return result;
  };
}

/** Shape inference that returns the previous analysis when only node positions changed. */
export const analyzer = (): ((graph: ModelGraph) => Analysis) =>
  positionBlind((graph) => g.analyzeGraph(graph));

function onlyPositionsDiffer(a: ModelGraph, b: ModelGraph): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.outputs !== b.outputs || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i];
    if (n === m) return true;
    const keys = Object.keys(n) as (keyof GraphNode)[];
    return (
      keys.length === Object.keys(m).length && keys.every((key) => key === 'position' || n[key] === m[key])
    );
  });
}
export const summaryTable = (graph: ModelGraph, analysis?: Analysis): SummaryTable =>
  g.summaryRows(graph, analysis);
export const kerasSummary = (graph: ModelGraph, name: string, analysis?: Analysis): string =>
  g.summary(graph, name, { analysis });

export function addNode(
  graph: ModelGraph,
  className: string,
  position: { x: number; y: number },
): { graph: ModelGraph; nodeId: string } {
  const r = g.addNode(graph, className, position);
  return { graph: r.graph, nodeId: r.node.id };
}

export const connect = (graph: ModelGraph, source: string, target: string, slot: number): Edit =>
  g.connect(graph, source, target, slot);
export const disconnect = (graph: ModelGraph, edgeId: string): Edit => ({
  ok: true,
  graph: g.disconnect(graph, edgeId),
});
export const removeNode = (graph: ModelGraph, nodeId: string): Edit => ({
  ok: true,
  graph: g.removeNode(graph, nodeId),
});
export const updateConfig = (graph: ModelGraph, nodeId: string, key: string, value: ArgValue): Edit =>
  g.updateConfig(graph, nodeId, key, value);
export const renameNode = (graph: ModelGraph, nodeId: string, name: string): Edit =>
  g.renameNode(graph, nodeId, name);
export const validateArg = (className: string, key: string, value: ArgValue): string | null =>
  g.validateArg(className, key, value);
export const nodeTrainable = (graph: ModelGraph, node: GraphNode): boolean => g.nodeTrainable(graph, node);
export const setBranchTrainable = (graph: ModelGraph, nodeId: string, trainable: boolean): ModelGraph =>
  g.setBranchTrainable(graph, nodeId, trainable);

export const totalParams = (t: { trainable: number; nonTrainable: number }): number =>
  t.trainable + t.nonTrainable;
