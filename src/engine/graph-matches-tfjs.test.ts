import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './build-model';
import { analyzeGraph } from '../graph/analyze';
import { addNode, connect } from '../graph/edit';
import { ACTIVATIONS } from '../graph/layers/common';
import { getLayerSpec } from '../graph/registry';
import { callSites } from '../graph/shared';
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
  'Conv1D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Conv2DTranspose',
  'AveragePooling2D',
  'GlobalMaxPooling2D',
  'UpSampling2D',
  'ZeroPadding2D',
  'Cropping2D',
  'LayerNormalization',
  'Embedding',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'Bidirectional',
  'RepeatVector',
  'Permute',
  'LeakyReLU',
  'ReLU',
  'Softmax',
  'GaussianNoise',
  'SpatialDropout2D',
  'Multiply',
  'Average',
  'Subtract',
  'Maximum',
  // Not a kind: a second call site of an existing layer (shared weights).
  'share',
] as const;

const ELEMENTWISE = new Set(['Add', 'Multiply', 'Average', 'Subtract', 'Maximum']);

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
      return configFor2(kind, s, source);
  }
}

const window2 = (n: number, max: number) => [1 + (n % max), 1 + ((n >> 2) % max)];
const pads = (n: number, max: number) =>
  [n % max, [n % max, (n >> 2) % max], [n % max, (n >> 1) % max, (n >> 2) % max, (n >> 3) % max]][n % 3];

/** The issue-4 kinds. */
function configFor2(kind: string, s: Step, source: Shape): LayerConfig {
  const common = { use_bias: s.d % 2 === 0, activation: activation(s.d >> 1) };
  const padding = s.c % 3 ? 'same' : 'valid';
  switch (kind) {
    case 'Conv1D':
      return {
        ...common,
        filters: 1 + (s.a % 4),
        kernel_size: [1 + (s.b % 3)],
        strides: [1 + (s.c % 2)],
        padding,
      };
    case 'DepthwiseConv2D':
      return {
        ...common,
        kernel_size: window2(s.b, 3),
        strides: window2(s.c, 2),
        padding,
        depth_multiplier: 1 + (s.a % 3),
      };
    case 'SeparableConv2D':
      return {
        ...common,
        filters: 1 + (s.a % 4),
        kernel_size: window2(s.b, 3),
        strides: window2(s.c, 2),
        padding,
        depth_multiplier: 1 + ((s.a >> 2) % 2),
      };
    case 'Conv2DTranspose':
      return {
        ...common,
        filters: 1 + (s.a % 4),
        kernel_size: window2(s.b, 3),
        strides: window2(s.c, 3),
        padding,
      };
    case 'AveragePooling2D':
      return { pool_size: window2(s.a, 3), strides: s.b % 3 === 0 ? null : window2(s.b, 2), padding };
    case 'UpSampling2D':
      return { size: window2(s.a, 3), interpolation: s.b % 2 ? 'bilinear' : 'nearest' };
    case 'ZeroPadding2D':
      return { padding: pads(s.a, 3) };
    case 'Cropping2D':
      return { cropping: pads(s.a, 2) };
    case 'LayerNormalization':
      return { axis: [-1, 1, 2, 3, -2][s.a % 5], center: s.b % 2 === 0, scale: s.c % 2 === 0 };
    case 'Embedding':
      return { input_dim: 1 + (s.a % 20), output_dim: 1 + (s.b % 5) };
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return { ...common, units: 1 + (s.a % 4), return_sequences: s.b % 2 === 0 };
    case 'Bidirectional':
      return {
        ...common,
        layer: ['SimpleRNN', 'LSTM', 'GRU'][s.a % 3],
        units: 1 + (s.b % 4),
        return_sequences: s.c % 2 === 0,
        merge_mode: ['concat', 'sum', 'mul', 'ave'][(s.c >> 1) % 4],
      };
    case 'RepeatVector':
      return { n: 1 + (s.a % 4) };
    case 'Permute': {
      const axes = source.slice(1).map((_, i) => i + 1);
      const dims: number[] = [];
      let n = s.a;
      while (axes.length) {
        dims.push(axes.splice(n % axes.length, 1)[0]);
        n = Math.floor(n / 3);
      }
      return { dims };
    }
    case 'LeakyReLU':
      return { negative_slope: (s.a % 10) / 10 };
    case 'ReLU':
      return { max_value: s.a % 3 === 0 ? null : s.a % 7 };
    case 'Softmax':
      return { axis: [-1, 1, 2, 3, -2][s.a % 5] };
    case 'GaussianNoise':
      return { stddev: (s.a % 5) / 10 };
    case 'SpatialDropout2D':
      return { rate: (s.a % 10) / 10 };
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
    if (kind === 'share') {
      graph = shareStep(graph, s, shapes) ?? graph;
      return;
    }
    const added = addNode(graph, kind, { x: (i + 1) * 200, y: 0 });
    Object.assign(added.node.config, configFor(kind, s, shapes[source]));
    // About one layer in four is frozen (trainable: false); a call site later shares its owner's value.
    if (Math.floor(s.src / 7) % 4 === 0) added.node.config.trainable = false;
    const sources = [source];
    if (kind === 'Concatenate') {
      sources.push(ids[s.b % ids.length]);
      if (s.c % 3 === 0) sources.push(ids[s.c % ids.length]);
    } else if (ELEMENTWISE.has(kind)) {
      const same = ids.filter((id) => sameShape(shapes[id], shapes[source]));
      sources.push(same[s.b % same.length]);
      if (kind !== 'Subtract' && s.c % 4 === 0) sources.push(same[s.c % same.length]);
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

/**
 * Calls an existing single-input layer again on another tensor: the call site copies the owner's kind, name
 * and config and points at it. Feeding it a tensor shaped like the owner's input keeps it valid more often.
 */
function shareStep(graph: ModelGraph, s: Step, shapes: Record<string, Shape>): ModelGraph | null {
  const owners = graph.nodes.filter(
    (n) =>
      n.className !== 'InputLayer' &&
      n.sharedWith === undefined &&
      getLayerSpec(n.className)!.inputs.max === 1,
  );
  if (owners.length === 0) return null;
  const owner = owners[s.a % owners.length];
  const ownerInput = graph.edges.find((e) => e.target === owner.id)!.source;
  const candidates = graph.nodes.filter(
    (n) => n.id !== owner.id && sameShape(shapes[n.id], shapes[ownerInput]),
  );
  const source =
    candidates.length && s.b % 4
      ? candidates[s.c % candidates.length].id
      : graph.nodes[s.c % graph.nodes.length].id;
  const id = `${owner.id}-call${s.d}`;
  if (graph.nodes.some((n) => n.id === id)) return null;
  const call = { ...owner, id, config: { ...owner.config }, sharedWith: owner.id, position: { x: 0, y: 0 } };
  const r = connect({ nodes: [...graph.nodes, call], edges: graph.edges }, source, id, 0);
  return r.ok && analyzeGraph(r.graph).errors.length === 0 ? r.graph : null;
}

const graphs = fc
  .record({
    inputs: fc.array(inputShape, { minLength: 1, maxLength: 2 }),
    steps: fc.array(step, { maxLength: 14 }),
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

  it('on every node of random valid graphs, some layers frozen: output shape, trainable and non-trainable params', () => {
    let layersChecked = 0;
    let frozenChecked = 0;
    const kindsChecked = new Set<string>();
    fc.assert(
      fc.property(graphs, (graph) => {
        const before = tf.memory().numTensors;
        const analysis = analyzeGraph(graph);
        const model = buildModel(graph);
        const { callIndex } = callSites(graph, analysis.order);
        try {
          for (const node of graph.nodes) {
            const layer = model.getLayer(node.name);
            // A shared layer has one inbound node per call; each call has its own output shape.
            const shapes = layer.inboundNodes[callIndex.get(node.id) ?? 0].outputShapes;
            const shape = Array.isArray(shapes[0]) ? shapes[0] : shapes;
            const label = `${node.name} (${node.className}${node.sharedWith ? ', shared call' : ''})`;
            expect(shape, `${label} output shape`).toEqual(analysis.shapes[node.id]);
            expect(
              {
                trainable: weightCount(layer.trainableWeights),
                nonTrainable: weightCount(layer.nonTrainableWeights),
              },
              `${label} params`,
            ).toEqual(analysis.params[node.id]);
            layersChecked++;
            if (!layer.trainable) frozenChecked++;
            kindsChecked.add(node.sharedWith ? 'share' : node.className);
          }
          expect(model.countParams()).toBe(analysis.totals.trainable + analysis.totals.nonTrainable);
          expect(weightCount(model.trainableWeights), 'model trainable').toBe(analysis.totals.trainable);
          expect(weightCount(model.nonTrainableWeights), 'model non-trainable').toBe(
            analysis.totals.nonTrainable,
          );
        } finally {
          model.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 300, seed: 20240601 },
    );
    // Guards against a generator that quietly rejects everything and tests nothing.
    expect(layersChecked).toBeGreaterThan(1000);
    expect(frozenChecked).toBeGreaterThan(100);
    expect([...KINDS].filter((k) => !kindsChecked.has(k))).toEqual([]);
  });
});
