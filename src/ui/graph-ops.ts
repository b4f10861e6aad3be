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
 * Shape inference that skips graphs differing from the previous one only in node positions (a drag that
 * ends, an arrow-key move, a layout): inference does not read positions, so the previous analysis is returned
 * as is, and everything derived from it (errors per node, the canvas's node data) stays unchanged.
 */
export function analyzer(): (graph: ModelGraph) => Analysis {
  let last: { graph: ModelGraph; analysis: Analysis } | null = null;
  return (graph) => {
    const analysis = last && onlyPositionsDiffer(last.graph, graph) ? last.analysis : g.analyzeGraph(graph);
    last = { graph, analysis };
    return analysis;
  };
}

function onlyPositionsDiffer(a: ModelGraph, b: ModelGraph): boolean {
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
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
export const kerasSummary = (graph: ModelGraph, name: string): string => g.summary(graph, name);

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
