import type { LayerConfig, ModelGraph } from './types';

/** Terse graph literals for tests: nodes are [id, className, config?], edges [source, target, slot?]. */
export function graphOf(
  nodes: [string, string, LayerConfig?][],
  edges: [string, string, number?][] = [],
): ModelGraph {
  return {
    nodes: nodes.map(([id, className, config], i) => ({
      id,
      className,
      name: id,
      config: config ?? {},
      position: { x: i * 200, y: 0 },
    })),
    edges: edges.map(([source, target, slot = 0]) => ({
      id: `${source}->${target}:${slot}`,
      source,
      target,
      targetSlot: slot,
    })),
  };
}
