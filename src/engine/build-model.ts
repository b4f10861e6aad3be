import * as tf from '@tensorflow/tfjs';
import type { GraphError, LayerConfig, ModelGraph } from '../graph/types';
import { analyzeGraph } from '../graph/analyze';
import { fillConfig } from '../graph/registry';

/** Thrown instead of a tfjs exception when the graph itself is wrong; `errors` are tied to node ids. */
export class GraphValidationError extends Error {
  override readonly name = 'GraphValidationError';
  constructor(readonly errors: GraphError[]) {
    super(
      `The graph has ${errors.length} error${errors.length === 1 ? '' : 's'}: ` +
        errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; ') +
        (errors.length > 3 ? '; …' : ''),
    );
  }
}

interface NormalizationArgs {
  name?: string;
  axis?: number | null;
  invert?: boolean;
}

/**
 * Keras 3's `Normalization`, which tfjs-layers 4.22 does not have. Same weights as Keras (non-trainable mean,
 * variance and a scalar count) so parameter counts and saved weights line up; `adapt` fills them from data.
 */
export class NormalizationLayer extends tf.layers.Layer {
  static className = 'Normalization';
  private readonly axis: number | null;
  private readonly invert: boolean;
  private mean: tf.LayerVariable | null = null;
  private variance: tf.LayerVariable | null = null;
  private count: tf.LayerVariable | null = null;
  private rank = 0;

  constructor(args: NormalizationArgs = {}) {
    super({ name: args.name });
    this.axis = args.axis === undefined ? -1 : args.axis;
    this.invert = args.invert ?? false;
  }

  private keptAxis(): number | null {
    if (this.axis === null) return null;
    return this.axis < 0 ? this.axis + this.rank : this.axis;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.rank = shape.length;
    const kept = this.keptAxis();
    const statShape = kept === null ? [] : [shape[kept] as number];
    this.mean = this.addWeight('mean', statShape, 'float32', tf.initializers.zeros(), undefined, false);
    this.variance = this.addWeight(
      'variance',
      statShape,
      'float32',
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.count = this.addWeight('count', [], 'int32', tf.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  private broadcastShape(): number[] {
    const kept = this.keptAxis();
    const shape = new Array<number>(this.rank).fill(1);
    if (kept !== null) shape[kept] = this.mean!.shape[0] as number;
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs).toFloat();
      const shape = this.broadcastShape();
      const mean = this.mean!.read().reshape(shape);
      // Keras divides by max(√variance, epsilon) so a constant feature maps to 0 instead of NaN.
      const std = tf.maximum(tf.sqrt(this.variance!.read().reshape(shape)), 1e-7);
      return this.invert ? x.mul(std).add(mean) : x.sub(mean).div(std);
    });
  }

  /** Sets mean and variance from a batch of samples shaped like the layer's input (batch first). */
  adapt(data: tf.Tensor): void {
    if (!this.built) this.build(data.shape);
    const kept = this.keptAxis();
    const reduce = [...Array(data.rank).keys()].filter((a) => a !== kept);
    tf.tidy(() => {
      const { mean, variance } = tf.moments(data.toFloat(), reduce);
      this.mean!.write(mean);
      this.variance!.write(variance);
      const n = reduce.reduce((acc, a) => acc * data.shape[a], 1);
      this.count!.write(tf.scalar(n, 'int32'));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, invert: this.invert };
  }
}
tf.serialization.registerClass(NormalizationLayer);

type ActivationId = NonNullable<Parameters<typeof tf.layers.dense>[0]['activation']>;

/** Keras spells activations in snake_case; tfjs in camelCase where they differ. */
function activation(config: LayerConfig): ActivationId {
  const name = config.activation as string;
  return (name === 'hard_sigmoid' ? 'hardSigmoid' : name) as ActivationId;
}

/** Copies: tfjs layers keep, and Reshape even rewrites (-1 → null), the arrays they are given. */
function pair(value: unknown): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : (value as [number, number]);
  return [a, b];
}

/** One tfjs layer per Keras class, its snake_case config mapped to tfjs's camelCase args. */
function makeLayer(className: string, name: string, c: LayerConfig, outShape: number[]): tf.layers.Layer {
  switch (className) {
    case 'Dense':
      return tf.layers.dense({
        name,
        units: c.units as number,
        activation: activation(c),
        useBias: c.use_bias as boolean,
      });
    case 'Dropout':
      return tf.layers.dropout({ name, rate: c.rate as number });
    case 'Flatten':
      return tf.layers.flatten({ name });
    case 'Conv2D':
      return tf.layers.conv2d({
        name,
        filters: c.filters as number,
        kernelSize: pair(c.kernel_size),
        strides: pair(c.strides),
        padding: c.padding as 'valid' | 'same',
        activation: activation(c),
        useBias: c.use_bias as boolean,
        dataFormat: 'channelsLast',
      });
    case 'MaxPooling2D': {
      const poolSize = pair(c.pool_size);
      return tf.layers.maxPooling2d({
        name,
        poolSize,
        strides: c.strides === null ? poolSize : pair(c.strides),
        padding: c.padding as 'valid' | 'same',
        dataFormat: 'channelsLast',
      });
    }
    case 'GlobalAveragePooling2D':
      return tf.layers.globalAveragePooling2d({ name, dataFormat: 'channelsLast' });
    case 'BatchNormalization':
      return tf.layers.batchNormalization({
        name,
        axis: c.axis as number,
        momentum: c.momentum as number,
        epsilon: c.epsilon as number,
        center: c.center as boolean,
        scale: c.scale as boolean,
      });
    case 'Rescaling':
      return tf.layers.rescaling({ name, scale: c.scale as number, offset: c.offset as number });
    case 'Normalization':
      return new NormalizationLayer({ name, axis: c.axis as number | null, invert: c.invert as boolean });
    case 'Activation':
      return tf.layers.activation({ name, activation: activation(c) });
    case 'Reshape':
      // tfjs 4.22 leaves a -1 unresolved in the symbolic shape whenever the batch is unknown (always), so the
      // next Dense would fail; the analysis has already resolved it, and the graph keeps Keras's -1.
      return tf.layers.reshape({ name, targetShape: outShape.slice(1) });
    case 'Concatenate':
      return tf.layers.concatenate({ name, axis: c.axis as number });
    case 'Add':
      return tf.layers.add({ name });
    default:
      // analyzeGraph reports unknown kinds, so reaching this means a spec was added without a builder.
      throw new Error(`No tfjs builder for layer kind ${className}`);
  }
}

/**
 * Builds the graph with the Functional API: one tfjs layer per node, named as the node, applied in
 * topological order. Throws GraphValidationError (nothing allocated) when analyzeGraph finds errors.
 */
export function buildModel(graph: ModelGraph, name = 'functional'): tf.LayersModel {
  const analysis = analyzeGraph(graph);
  if (analysis.errors.length > 0) throw new GraphValidationError(analysis.errors);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const sources = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = sources.get(e.target) ?? [];
    list[e.targetSlot] = e.source;
    sources.set(e.target, list);
  }
  const tensors = new Map<string, tf.SymbolicTensor>();
  const layers: tf.layers.Layer[] = [];
  try {
    for (const id of analysis.order) {
      const node = byId.get(id)!;
      const config = fillConfig(node.className, node.config);
      if (node.className === 'InputLayer') {
        tensors.set(
          id,
          tf.input({
            name: node.name,
            batchShape: [...(config.batch_shape as number[])],
            dtype: config.dtype as 'float32' | 'int32',
          }),
        );
        continue;
      }
      const layer = makeLayer(node.className, node.name, config, analysis.shapes[id] as number[]);
      layers.push(layer);
      const inputs = sources.get(id)!.map((s) => tensors.get(s)!);
      const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
      tensors.set(id, out);
    }
    return tf.model({
      name,
      inputs: analysis.inputs.map((id) => tensors.get(id)!),
      outputs: analysis.outputs.map((id) => tensors.get(id)!),
    });
  } catch (error) {
    // Weights of layers already applied would otherwise outlive the failed build.
    for (const layer of layers) if (layer.built) layer.dispose();
    throw error;
  }
}
