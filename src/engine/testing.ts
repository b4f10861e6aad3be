import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MEMORY, type ExperimentSpec } from '../experiment/spec';
import type { TrainEvent } from '../experiment/protocol';
import type { GraphNode, ModelGraph } from '../graph/types';
import { fillConfig } from '../graph';
import { blobsMlpGraph } from '../graph/templates';

/** Helpers shared by the engine's tests (imported by *.test.ts only). */

export { useCpuWithoutLeaks } from './compile/test-utils';

/** A spec for the tiny blobs problem with the blobs template graph (Input 2 → Dense 16 → Dense 3). */
export function blobsSpec(overrides: Partial<ExperimentSpec['fit']> = {}, seed = 7): ExperimentSpec {
  return {
    version: 1,
    name: 'test',
    graph: blobsMlpGraph(),
    data: { dataset: 'blobs', samples: 256, validationSplit: 0.25 },
    compile: { optimizer: 'adam', learningRate: 0.05, loss: 'categorical_crossentropy' },
    fit: { epochs: 3, batchSize: 32, shuffle: true, readbackEvery: 10, ...overrides },
    memory: { ...DEFAULT_MEMORY },
    backend: 'cpu',
    seed,
  };
}

/** A small MLP built with tfjs directly, for tests that must not depend on the graph builder. */
export function mlp(inputShape: number[], classes: number, hidden = 16): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  let h: tf.SymbolicTensor = input;
  if (inputShape.length > 1) h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: hidden, activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: classes, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Collects events for assertions. */
export function recorder(): { events: TrainEvent[]; onEvent: (event: TrainEvent) => void } {
  const events: TrainEvent[] = [];
  return { events, onEvent: (event) => events.push(event) };
}

/** A copy of `graph` with one node's config changed, for tests that need a slightly wrong model. */
export function withNodeConfig(graph: ModelGraph, name: string, config: Record<string, unknown>): ModelGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) =>
      n.name === name ? { ...n, config: { ...n.config, ...config } as typeof n.config } : n,
    ),
  };
}

/** One graph node for hand-built test graphs, its config filled with Keras's defaults. */
export function testNode(
  id: string,
  className: string,
  config: Record<string, unknown>,
  x: number,
): GraphNode {
  return { id, className, name: id, config: fillConfig(className, config as never), position: { x, y: 0 } };
}

/** Input 2 → Dense 16 → Dropout 0.3 → Dense 3: dropout draws from the step RNG on every step. */
export function dropoutGraph(): ModelGraph {
  return {
    nodes: [
      testNode('input', 'InputLayer', { batch_shape: [null, 2] }, 0),
      testNode('hidden', 'Dense', { units: 16, activation: 'relu' }, 1),
      testNode('drop', 'Dropout', { rate: 0.3 }, 2),
      testNode('head', 'Dense', { units: 3, activation: 'softmax' }, 3),
    ],
    edges: [
      { id: 'a', source: 'input', target: 'hidden', targetSlot: 0 },
      { id: 'b', source: 'hidden', target: 'drop', targetSlot: 0 },
      { id: 'c', source: 'drop', target: 'head', targetSlot: 0 },
    ],
  };
}
