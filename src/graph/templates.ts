import type { GraphEdge, GraphNode, LayerConfig, ModelGraph } from './types';
import { fillConfig } from './registry';

/** Horizontal distance between columns and vertical distance between branches, in editor pixels. */
const COLUMN = 220;
const ROW = 160;

type Step = [name: string, className: string, config?: LayerConfig];

/** Builds a graph from branches of steps: each branch is a chain, laid out on its own row, left to right. */
class Builder {
  nodes: GraphNode[] = [];
  edges: GraphEdge[] = [];

  add(name: string, className: string, config: LayerConfig, column: number, row: number): string {
    this.nodes.push({
      id: name,
      className,
      name,
      config: fillConfig(className, config),
      position: { x: 40 + column * COLUMN, y: 40 + row * ROW },
    });
    return name;
  }

  link(source: string, target: string, targetSlot = 0): void {
    this.edges.push({ id: `${source}->${target}:${targetSlot}`, source, target, targetSlot });
  }

  chain(steps: Step[], row: number, from?: string, column = 0): string {
    let prev = from;
    steps.forEach(([name, className, config], i) => {
      const id = this.add(name, className, config ?? {}, column + i, row);
      if (prev) this.link(prev, id);
      prev = id;
    });
    return prev!;
  }

  graph(): ModelGraph {
    return { nodes: this.nodes, edges: this.edges };
  }
}

/** Input 10 → Dense 64 relu → Dropout 0.2 → Dense 32 relu → Dense 1 sigmoid: 2,817 params. */
export function binaryClassifierGraph(): ModelGraph {
  const b = new Builder();
  b.chain(
    [
      ['input_layer', 'InputLayer', { batch_shape: [null, 10] }],
      ['dense', 'Dense', { units: 64, activation: 'relu' }],
      ['dropout', 'Dropout', { rate: 0.2 }],
      ['dense_1', 'Dense', { units: 32, activation: 'relu' }],
      ['dense_2', 'Dense', { units: 1, activation: 'sigmoid' }],
    ],
    0,
  );
  return b.graph();
}

/** An image branch and a numerical branch merged by Concatenate: 7,905 params. */
export function multimodalGraph(): ModelGraph {
  const b = new Builder();
  const image = b.chain(
    [
      ['image', 'InputLayer', { batch_shape: [null, 224, 224, 3] }],
      ['conv2d', 'Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }],
      ['global_average_pooling2d', 'GlobalAveragePooling2D'],
      ['dropout', 'Dropout', { rate: 0.5 }],
    ],
    0,
  );
  const numerical = b.chain(
    [
      ['numerical', 'InputLayer', { batch_shape: [null, 10] }],
      ['dense', 'Dense', { units: 64, activation: 'relu' }],
      ['dropout_1', 'Dropout', { rate: 0.1 }],
      ['dense_1', 'Dense', { units: 32, activation: 'relu' }],
    ],
    1,
  );
  const merged = b.add('concatenate', 'Concatenate', {}, 4, 0.5);
  b.link(image, merged, 0);
  b.link(numerical, merged, 1);
  b.chain(
    [
      ['dense_2', 'Dense', { units: 64, activation: 'relu' }],
      ['dense_3', 'Dense', { units: 1, activation: 'sigmoid' }],
    ],
    0.5,
    merged,
    5,
  );
  return b.graph();
}

/** The app's default: MNIST digits through a small MLP (101,770 params). */
export function mnistMlpGraph(): ModelGraph {
  const b = new Builder();
  b.chain(
    [
      ['input_layer', 'InputLayer', { batch_shape: [null, 28, 28, 1] }],
      ['flatten', 'Flatten'],
      ['dense', 'Dense', { units: 128, activation: 'relu' }],
      ['dropout', 'Dropout', { rate: 0.2 }],
      ['dense_1', 'Dense', { units: 10, activation: 'softmax' }],
    ],
    0,
  );
  return b.graph();
}

/** Three 2-D blobs, three classes: small enough to train in a browser test in a second. */
export function blobsMlpGraph(): ModelGraph {
  const b = new Builder();
  b.chain(
    [
      ['input_layer', 'InputLayer', { batch_shape: [null, 2] }],
      ['dense', 'Dense', { units: 16, activation: 'relu' }],
      ['dense_1', 'Dense', { units: 3, activation: 'softmax' }],
    ],
    0,
  );
  return b.graph();
}

/** Digits through two Conv2D/MaxPooling2D stages: 34,826 params, far fewer than the MLP, and better. */
export function smallCnnGraph(): ModelGraph {
  const b = new Builder();
  b.chain(
    [
      ['input_layer', 'InputLayer', { batch_shape: [null, 28, 28, 1] }],
      ['conv2d', 'Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }],
      ['max_pooling2d', 'MaxPooling2D'],
      ['conv2d_1', 'Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }],
      ['max_pooling2d_1', 'MaxPooling2D'],
      ['flatten', 'Flatten'],
      ['dense', 'Dense', { units: 10, activation: 'softmax' }],
    ],
    0,
  );
  return b.graph();
}

/**
 * Two residual blocks (ResNet's idea): each adds its input back to two convolutions of it, so the block only
 * has to learn a correction and gradients reach early layers through the skip.
 */
export function residualCnnGraph(): ModelGraph {
  const b = new Builder();
  const conv = (filters: number, activation = 'relu'): LayerConfig => ({
    filters,
    kernel_size: [3, 3],
    padding: 'same',
    activation,
  });
  let skip = b.chain(
    [
      ['input_layer', 'InputLayer', { batch_shape: [null, 32, 32, 3] }],
      ['conv2d', 'Conv2D', conv(16)],
    ],
    0,
  );
  for (let block = 0; block < 2; block++) {
    const k = 1 + 2 * block;
    const column = 2 + 4 * block;
    const branch = b.chain(
      [
        [`conv2d_${k}`, 'Conv2D', conv(16)],
        [`conv2d_${k + 1}`, 'Conv2D', conv(16, 'linear')],
      ],
      1,
      skip,
      column,
    );
    const add = b.add(block ? 'add_1' : 'add', 'Add', {}, column + 2, 0);
    b.link(branch, add, 0);
    b.link(skip, add, 1);
    skip = b.chain(
      [[block ? 'activation_1' : 'activation', 'Activation', { activation: 'relu' }]],
      0,
      add,
      column + 3,
    );
  }
  b.chain(
    [
      ['global_average_pooling2d', 'GlobalAveragePooling2D'],
      ['dense', 'Dense', { units: 10, activation: 'softmax' }],
    ],
    0,
    skip,
    10,
  );
  return b.graph();
}

/** A convolutional autoencoder: 28×28 squeezed to 7×7×8 and rebuilt; the output has the input's shape. */
export function autoencoderGraph(): ModelGraph {
  const b = new Builder();
  const same = { kernel_size: [3, 3], padding: 'same', activation: 'relu' };
  b.chain(
    [
      ['input_layer', 'InputLayer', { batch_shape: [null, 28, 28, 1] }],
      ['conv2d', 'Conv2D', { ...same, filters: 16, strides: [2, 2] }],
      ['conv2d_1', 'Conv2D', { ...same, filters: 8, strides: [2, 2] }],
      ['conv2d_transpose', 'Conv2DTranspose', { ...same, filters: 8, strides: [2, 2] }],
      ['conv2d_transpose_1', 'Conv2DTranspose', { ...same, filters: 16, strides: [2, 2] }],
      ['conv2d_2', 'Conv2D', { ...same, filters: 1, activation: 'sigmoid' }],
    ],
    0,
  );
  return b.graph();
}

/** Sequences of 20 token ids (a vocabulary of 1,000) → Embedding → LSTM → one probability. */
export function lstmClassifierGraph(): ModelGraph {
  const b = new Builder();
  b.chain(
    [
      ['input_layer', 'InputLayer', { batch_shape: [null, 20], dtype: 'int32' }],
      ['embedding', 'Embedding', { input_dim: 1000, output_dim: 32 }],
      ['lstm', 'LSTM', { units: 32 }],
      ['dense', 'Dense', { units: 1, activation: 'sigmoid' }],
    ],
    0,
  );
  return b.graph();
}

export const TEMPLATES = [
  { id: 'mnist-mlp', label: 'MNIST MLP', build: mnistMlpGraph },
  { id: 'blobs-mlp', label: 'Blobs MLP', build: blobsMlpGraph },
  { id: 'binary-classifier', label: 'Binary classifier', build: binaryClassifierGraph },
  { id: 'multimodal', label: 'Image + numbers', build: multimodalGraph },
  { id: 'small-cnn', label: 'Small CNN', build: smallCnnGraph },
  { id: 'residual-cnn', label: 'Residual CNN', build: residualCnnGraph },
  { id: 'autoencoder', label: 'Autoencoder', build: autoencoderGraph },
  { id: 'lstm-classifier', label: 'LSTM sequence classifier', build: lstmClassifierGraph },
] as const;
