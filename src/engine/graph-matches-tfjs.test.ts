import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './build-model';
import { analyzeGraph } from '../graph/analyze';
import { addNode, connect } from '../graph/edit';
import { ACTIVATIONS } from '../graph/layers/common';
import type { LayerConfig, ModelGraph, Shape } from '../graph/types';

/**
 * The claim DESIGN.md makes for src/graph: our shape inference and parameter counts are what tfjs-layers
 * builds. Random graphs are grown one layer at a time; a layer our analysis rejects is dropped, so every
 * graph tested is one we call valid, and tfjs must agree with us on every node.
 */

const KINDS = [
  'Dense',
  'Dropout',
  'Flatten',
  'Conv2D',
  'MaxPooling2D',
  'GlobalAveragePooling2D',
  'BatchNormalization',
  'Rescaling',
  'Normalization',
  'Activation',
  'Reshape',
  'Concatenate',
  'Add',
] as const;

interface Step {
  kind: number;
  src: number;
  a: number;
  b: number;
  c: number;
  d: number;
}

const dim = (max: number) => fc.integer({ min: 1, max });
const inputShape = fc.oneof(
  fc.tuple(dim(6)).map(([d]): Shape => [null, d]),
  fc.tuple(dim(4), dim(5)).map(([a, b]): Shape => [null, a, b]),
  fc.tuple(dim(8), dim(8), dim(3)).map(([h, w, c]): Shape => [null, h, w, c]),
);
const step = fc.record({
  kind: fc.nat(KINDS.length - 1),
  src: fc.nat(1000),
  a: fc.nat(1000),
  b: fc.nat(1000),
  c: fc.nat(1000),
  d: fc.nat(1000),
});

const activation = (n: number) => ACTIVATIONS[n % ACTIVATIONS.length];

function reshapeTarget(size: number, s: Step): number[] {
  const divisors = [...Array(size).keys()].map((i) => i + 1).filter((k) => size % k === 0);
  const k = divisors[s.b % divisors.length];
  return [[-1], [size], [k, -1], [-1, k], [k, size / k]][s.c % 5];
}

/** Config for one step, drawn from its numbers; the source shape is only needed for Reshape. */
function configFor(kind: string, s: Step, source: Shape): LayerConfig {
  switch (kind) {
    case 'Dense':
      return { units: 1 + (s.a % 5), activation: activation(s.b), use_bias: s.c % 2 === 0 };
    case 'Dropout':
      return { rate: (s.a % 10) / 10 };
    case 'Conv2D':
      return {
        filters: 1 + (s.a % 4),
        kernel_size: [1 + (s.b % 3), 1 + ((s.b >> 2) % 3)],
        strides: [1 + (s.c % 2), 1 + ((s.c >> 1) % 2)],
        padding: s.d % 2 ? 'same' : 'valid',
        use_bias: (s.d >> 1) % 2 === 0,
        activation: activation(s.d >> 2),
      };
    case 'MaxPooling2D':
      return {
        pool_size: [1 + (s.a % 3), 1 + ((s.a >> 2) % 3)],
        strides: s.b % 3 === 0 ? null : [1 + (s.b % 2), 1 + ((s.b >> 1) % 2)],
        padding: s.c % 2 ? 'same' : 'valid',
      };
    case 'BatchNormalization':
      return { axis: [-1, 1, 2, 3, -2][s.a % 5], center: s.b % 2 === 0, scale: s.c % 2 === 0 };
    case 'Rescaling':
      return { scale: (s.a % 10) / 7, offset: (s.b % 5) - 2 };
    case 'Normalization':
      return { axis: s.a % 4 === 0 ? null : [-1, 1, 2][s.a % 3], invert: s.b % 2 === 0 };
    case 'Activation':
      return { activation: activation(s.a) };
    case 'Reshape':
      return {
        target_shape: reshapeTarget(
          source.slice(1).reduce((x: number, y) => x * (y as number), 1),
          s,
        ),
      };
    case 'Concatenate':
      return { axis: s.d % 3 === 0 ? 1 : -1 };
    default:
      return {};
  }
}

function sameShape(a: Shape | undefined, b: Shape | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Grows a graph step by step, keeping only the steps our analysis accepts. */
function growGraph(inputs: Shape[], steps: Step[]): ModelGraph {
  let graph: ModelGraph = { nodes: [], edges: [] };
  inputs.forEach((shape, i) => {
    const added = addNode(graph, 'InputLayer', { x: 0, y: i * 100 });
    graph = { nodes: added.graph.nodes, edges: [] };
    graph.nodes[graph.nodes.length - 1].config.batch_shape = shape;
  });
  steps.forEach((s, i) => {
    const shapes = analyzeGraph(graph).shapes;
    const ids = graph.nodes.map((n) => n.id);
    const kind = KINDS[s.kind];
    const source = ids[s.src % ids.length];
    const added = addNode(graph, kind, { x: (i + 1) * 200, y: 0 });
    Object.assign(added.node.config, configFor(kind, s, shapes[source]));
    const sources = [source];
    if (kind === 'Concatenate') {
      sources.push(ids[s.b % ids.length]);
      if (s.c % 3 === 0) sources.push(ids[s.c % ids.length]);
    } else if (kind === 'Add') {
      const same = ids.filter((id) => sameShape(shapes[id], shapes[source]));
      sources.push(same[s.b % same.length]);
    }
    let next: ModelGraph | null = added.graph;
    sources.forEach((src, slot) => {
      const r: ReturnType<typeof connect> | null = next && connect(next, src, added.node.id, slot);
      next = r && r.ok ? r.graph : null;
    });
    if (next && analyzeGraph(next).errors.length === 0) graph = next;
  });
  return graph;
}

const graphs = fc
  .record({
    inputs: fc.array(inputShape, { minLength: 1, maxLength: 2 }),
    steps: fc.array(step, { maxLength: 12 }),
  })
  .map(({ inputs, steps }) => growGraph(inputs, steps))
  .filter((g) => analyzeGraph(g).errors.length === 0);

function weightCount(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
}

describe('src/graph agrees with tfjs-layers', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('on every node of random valid graphs: output shape, trainable and non-trainable params', () => {
    let layersChecked = 0;
    fc.assert(
      fc.property(graphs, (graph) => {
        const before = tf.memory().numTensors;
        const analysis = analyzeGraph(graph);
        const model = buildModel(graph);
        try {
          for (const node of graph.nodes) {
            const layer = model.getLayer(node.name);
            expect(layer.outputShape, `${node.name} (${node.className}) output shape`).toEqual(
              analysis.shapes[node.id],
            );
            expect(
              {
                trainable: weightCount(layer.trainableWeights),
                nonTrainable: weightCount(layer.nonTrainableWeights),
              },
              `${node.name} (${node.className}) params`,
            ).toEqual(analysis.params[node.id]);
            layersChecked++;
          }
          expect(model.countParams()).toBe(analysis.totals.trainable + analysis.totals.nonTrainable);
        } finally {
          model.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 50, seed: 20240601 },
    );
    // Guards against a generator that quietly rejects everything and tests nothing.
    expect(layersChecked).toBeGreaterThan(150);
  });
});
