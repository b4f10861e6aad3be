import { analyzeGraph } from '../src/graph/analyze';
import { scaleGraph } from '../src/graph/testing/scale';

/**
 * The "Editor scale" bench's shape-inference timing, built as a small ES module (no tfjs) that run.mjs both
 * imports in Node and loads in Chromium. Each run analyses a fresh copy of the graph, as after an edit.
 *
 * The copy is made just before its run (untimed), not all copies up front: seventy live copies of the graph
 * in the young generation made every scavenge copy them, 10–20 ms a time, which showed up as the p95 of
 * whichever run it interrupted (the app holds one graph, not seventy).
 */
export function timeAnalyze(size: number, runs: number, warmup: number) {
  const graph = scaleGraph(size);
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < warmup + runs; i++) {
    const copy = structuredClone(graph);
    const start = performance.now();
    const analysis = analyzeGraph(copy);
    const ms = performance.now() - start;
    errors = analysis.errors.length;
    if (i >= warmup) times.push(ms);
  }
  return { nodes: graph.nodes.length, edges: graph.edges.length, errors, times };
}
