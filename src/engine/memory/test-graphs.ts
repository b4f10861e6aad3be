import { binaryClassifierGraph, fillConfig, mnistMlpGraph } from '../../graph';
import type { GraphEdge, GraphNode, LayerConfig, ModelGraph } from '../../graph/types';

/**
 * Ten varied models for checking the pre-flight estimate against measured peaks: every layer kind that trains
 * quickly on the CPU backend, two optimizers, batch sizes from 16 to 256. Convolutional models are checked in
 * the browser benchmark instead (Node's CPU backend trains them too slowly for unit tests).
 */
export interface MemoryTestCase {
  name: string;
  graph: ModelGraph;
  optimizer: 'adam' | 'sgd';
  batchSize: number;
}

export type Layer = [className: string, config?: LayerConfig];

/** Input → each layer in turn: the linear stacks the memory tests and the bench are made of. */
export function chain(inputShape: (number | null)[], layers: Layer[]): ModelGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const add = (className: string, config: LayerConfig): string => {
    const id = `n${nodes.length}`;
    nodes.push({ id, className, name: id, config: fillConfig(className, config), position: { x: 0, y: 0 } });
    return id;
  };
  let previous = add('InputLayer', { batch_shape: [null, ...inputShape] });
  for (const [className, config] of layers) {
    const id = add(className, config ?? {});
    edges.push({ id: `${previous}->${id}`, source: previous, target: id, targetSlot: 0 });
    previous = id;
  }
  return { nodes, edges };
}

/** Two Dense branches from one input, merged by `merge` into a small head. */
function branches(merge: 'Concatenate' | 'Add'): ModelGraph {
  const graph = chain([24], [['Dense', { units: 32, activation: 'relu' }]]);
  const node = (id: string, className: string, config: LayerConfig): GraphNode => ({
    id,
    className,
    name: id,
    config: fillConfig(className, config),
    position: { x: 0, y: 0 },
  });
  graph.nodes.push(
    node('side', 'Dense', { units: 32, activation: 'tanh' }),
    node('merge', merge, {}),
    node('head', 'Dense', { units: 4, activation: 'softmax' }),
  );
  graph.edges.push(
    { id: 'e1', source: 'n0', target: 'side', targetSlot: 0 },
    { id: 'e2', source: 'n1', target: 'merge', targetSlot: 0 },
    { id: 'e3', source: 'side', target: 'merge', targetSlot: 1 },
    { id: 'e4', source: 'merge', target: 'head', targetSlot: 0 },
  );
  return graph;
}

export function memoryTestGraphs(): MemoryTestCase[] {
  return [
    {
      name: 'binary classifier (Dense, Dropout)',
      graph: binaryClassifierGraph(),
      optimizer: 'adam',
      batchSize: 32,
    },
    { name: 'MNIST MLP (Flatten, Dropout)', graph: mnistMlpGraph(), optimizer: 'adam', batchSize: 64 },
    {
      name: 'wide MLP 784-512-256-10',
      graph: chain(
        [784],
        [
          ['Dense', { units: 512, activation: 'relu' }],
          ['Dense', { units: 256, activation: 'relu' }],
          ['Dense', { units: 10, activation: 'softmax' }],
        ],
      ),
      optimizer: 'sgd',
      batchSize: 128,
    },
    {
      name: 'BatchNormalization MLP',
      graph: chain(
        [40],
        [
          ['Dense', { units: 64 }],
          ['BatchNormalization'],
          ['Activation', { activation: 'relu' }],
          ['Dense', { units: 10, activation: 'softmax' }],
        ],
      ),
      optimizer: 'adam',
      batchSize: 32,
    },
    { name: 'two branches, Concatenate', graph: branches('Concatenate'), optimizer: 'adam', batchSize: 48 },
    { name: 'two branches, Add', graph: branches('Add'), optimizer: 'sgd', batchSize: 64 },
    {
      name: 'Rescaling and Reshape',
      graph: chain(
        [8, 8, 1],
        [
          ['Rescaling', { scale: 0.5, offset: 0 }],
          ['Reshape', { target_shape: [64] }],
          ['Dense', { units: 16, activation: 'relu' }],
          ['Dense', { units: 2, activation: 'softmax' }],
        ],
      ),
      optimizer: 'adam',
      batchSize: 64,
    },
    {
      name: 'Normalization, sigmoid head',
      graph: chain(
        [16],
        [
          ['Normalization'],
          ['Dense', { units: 32, activation: 'tanh' }],
          ['Dense', { units: 1, activation: 'sigmoid' }],
        ],
      ),
      optimizer: 'adam',
      batchSize: 100,
    },
    {
      name: 'deep narrow MLP with Dropout',
      graph: chain(
        [32],
        [
          ['Dense', { units: 48, activation: 'relu' }],
          ['Dropout', { rate: 0.3 }],
          ['Dense', { units: 48, activation: 'relu' }],
          ['Dropout', { rate: 0.3 }],
          ['Dense', { units: 48, activation: 'relu' }],
          ['Dense', { units: 48, activation: 'relu' }],
          ['Dense', { units: 5, activation: 'softmax' }],
        ],
      ),
      optimizer: 'sgd',
      batchSize: 16,
    },
    {
      name: 'separate softmax Activation, large batch',
      graph: chain(
        [64],
        [
          ['Dense', { units: 128, activation: 'relu' }],
          ['Dense', { units: 10 }],
          ['Activation', { activation: 'softmax' }],
        ],
      ),
      optimizer: 'adam',
      batchSize: 256,
    },
  ];
}
