import { analyzeGraph } from '../src/graph/analyze';
import { scaleGraph } from '../src/graph/testing/scale';

/**
 * The "Editor scale" bench's shape-inference timing, built as a small ES module (no tfjs) that run.mjs both
 * imports in Node and loads in Chromium. Each run analyses a fresh copy of the graph, as after an edit.
 */
export function timeAnalyze(size: number, runs: number, warmup: number) {
  const graph = scaleGraph(size);
  const copies = Array.from({ length: warmup + runs }, () => structuredClone(graph));
  const times: number[] = [];
  let errors = 0;
  copies.forEach((copy, i) => {
    const start = performance.now();
    const analysis = analyzeGraph(copy);
    const ms = performance.now() - start;
    errors = analysis.errors.length;
    if (i >= warmup) times.push(ms);
  });
  return { nodes: graph.nodes.length, edges: graph.edges.length, errors, times };
}
