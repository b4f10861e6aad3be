import * as tf from '@tensorflow/tfjs';
import type { LayerConfig } from '../graph/types';
import { isTrainable } from '../graph/registry';
import { NormalizationLayer, SpatialDropout2DLayer, SubtractLayer } from './keras-layers';

/**
 * One tfjs layer per Keras class, its snake_case config mapped to tfjs's camelCase args. The config is
 * already filled with defaults and validated by analyzeGraph, and tfjsLimitations has refused what tfjs
 * cannot run, so the casts below only restate what the specs guarantee.
 */

type ActivationId = NonNullable<Parameters<typeof tf.layers.dense>[0]['activation']>;
type Padding = 'valid' | 'same';

/** Keras spells activations in snake_case; tfjs in camelCase where they differ. */
function act(value: unknown): ActivationId {
  const name = value as string;
  return (name === 'hard_sigmoid' ? 'hardSigmoid' : name) as ActivationId;
}

/** Copies: tfjs layers keep, and Reshape even rewrites (-1 → null), the arrays they are given. */
function pair(value: unknown): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : (value as [number, number]);
  return [a, b];
}

function single(value: unknown): number {
  return typeof value === 'number' ? value : (value as number[])[0];
}

/** Kiln's flat [top, bottom, left, right] (or n, or [h, w]) as tfjs's [[top, bottom], [left, right]]. */
function sides(value: unknown): [[number, number], [number, number]] {
  if (typeof value === 'number')
    return [
      [value, value],
      [value, value],
    ];
  const v = value as number[];
  return v.length === 2
    ? [
        [v[0], v[0]],
        [v[1], v[1]],
      ]
    : [
        [v[0], v[1]],
        [v[2], v[3]],
      ];
}

/** The shared args of SimpleRNN, LSTM and GRU (also the layer Bidirectional wraps). */
function recurrent(cell: string, c: LayerConfig, name?: string): tf.RNN {
  const base = {
    name,
    units: c.units as number,
    activation: act(c.activation),
    useBias: c.use_bias as boolean,
    returnSequences: c.return_sequences as boolean,
    goBackwards: (c.go_backwards as boolean | undefined) ?? false,
    dropout: (c.dropout as number | undefined) ?? 0,
    recurrentDropout: (c.recurrent_dropout as number | undefined) ?? 0,
  };
  if (cell === 'SimpleRNN') return tf.layers.simpleRNN(base);
  const gated = { ...base, recurrentActivation: act(c.recurrent_activation) };
  return cell === 'LSTM' ? tf.layers.lstm(gated) : tf.layers.gru(gated);
}

function conv(className: string, name: string, c: LayerConfig): tf.layers.Layer {
  const common = {
    name,
    padding: c.padding as Padding,
    activation: act(c.activation),
    useBias: c.use_bias as boolean,
    dataFormat: 'channelsLast' as const,
  };
  switch (className) {
    case 'Conv1D':
      return tf.layers.conv1d({
        ...common,
        filters: c.filters as number,
        kernelSize: single(c.kernel_size),
        strides: single(c.strides),
      });
    case 'Conv2D':
      return tf.layers.conv2d({
        ...common,
        filters: c.filters as number,
        kernelSize: pair(c.kernel_size),
        strides: pair(c.strides),
      });
    case 'DepthwiseConv2D':
      return tf.layers.depthwiseConv2d({
        ...common,
        kernelSize: pair(c.kernel_size),
        strides: pair(c.strides),
        depthMultiplier: c.depth_multiplier as number,
      });
    case 'SeparableConv2D':
      return tf.layers.separableConv2d({
        ...common,
        filters: c.filters as number,
        kernelSize: pair(c.kernel_size),
        strides: pair(c.strides),
        depthMultiplier: c.depth_multiplier as number,
      });
    default:
      return tf.layers.conv2dTranspose({
        ...common,
        filters: c.filters as number,
        kernelSize: pair(c.kernel_size),
        strides: pair(c.strides),
      });
  }
}

const CONVS = new Set(['Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose']);

/**
 * `outShape` is the node's inferred output shape (Reshape needs it; see there). A frozen config
 * (`trainable: false`) freezes the layer: set on the built object, since tfjs's Bidirectional ignores the arg
 * and its setter freezes both directions.
 */
export function makeLayer(
  className: string,
  name: string,
  c: LayerConfig,
  outShape: number[],
): tf.layers.Layer {
  const layer = kindLayer(className, name, c, outShape);
  if (!isTrainable(c)) layer.trainable = false;
  return layer;
}

function kindLayer(className: string, name: string, c: LayerConfig, outShape: number[]): tf.layers.Layer {
  if (CONVS.has(className)) return conv(className, name, c);
  switch (className) {
    case 'Dense':
      return tf.layers.dense({
        name,
        units: c.units as number,
        activation: act(c.activation),
        useBias: c.use_bias as boolean,
      });
    case 'Dropout':
      return tf.layers.dropout({ name, rate: c.rate as number });
    case 'Flatten':
      return tf.layers.flatten({ name });
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const poolSize = pair(c.pool_size);
      const args = {
        name,
        poolSize,
        strides: c.strides === null ? poolSize : pair(c.strides),
        padding: c.padding as Padding,
        dataFormat: 'channelsLast' as const,
      };
      return className === 'MaxPooling2D' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
    }
    case 'GlobalAveragePooling2D':
      return tf.layers.globalAveragePooling2d({ name, dataFormat: 'channelsLast' });
    case 'GlobalMaxPooling2D':
      return tf.layers.globalMaxPooling2d({ name, dataFormat: 'channelsLast' });
    case 'BatchNormalization':
      return tf.layers.batchNormalization({
        name,
        axis: c.axis as number,
        momentum: c.momentum as number,
        epsilon: c.epsilon as number,
        center: c.center as boolean,
        scale: c.scale as boolean,
      });
    case 'LayerNormalization':
      return tf.layers.layerNormalization({
        name,
        axis: c.axis as number,
        epsilon: c.epsilon as number,
        center: c.center as boolean,
        scale: c.scale as boolean,
      });
    case 'Rescaling':
      return tf.layers.rescaling({ name, scale: c.scale as number, offset: c.offset as number });
    case 'Normalization':
      return new NormalizationLayer({ name, axis: c.axis as number | null, invert: c.invert as boolean });
    case 'Activation':
      return tf.layers.activation({ name, activation: act(c.activation) });
    case 'ReLU':
      return tf.layers.reLU({ name, maxValue: (c.max_value as number | null) ?? undefined });
    case 'LeakyReLU':
      return tf.layers.leakyReLU({ name, alpha: c.negative_slope as number });
    case 'Softmax':
      return tf.layers.softmax({ name, axis: c.axis as number });
    case 'Reshape':
      // tfjs 4.22 leaves a -1 unresolved in the symbolic shape whenever the batch is unknown (always), so the
      // next Dense would fail; the analysis has already resolved it, and the graph keeps Keras's -1.
      return tf.layers.reshape({ name, targetShape: outShape.slice(1) });
    case 'Permute':
      return tf.layers.permute({ name, dims: [...(c.dims as number[])] });
    case 'RepeatVector':
      return tf.layers.repeatVector({ name, n: c.n as number });
    case 'UpSampling2D':
      return tf.layers.upSampling2d({
        name,
        size: pair(c.size),
        interpolation: c.interpolation as 'nearest' | 'bilinear',
        dataFormat: 'channelsLast',
      });
    case 'ZeroPadding2D':
      return tf.layers.zeroPadding2d({ name, padding: sides(c.padding), dataFormat: 'channelsLast' });
    case 'Cropping2D':
      return tf.layers.cropping2D({ name, cropping: sides(c.cropping), dataFormat: 'channelsLast' });
    case 'Embedding':
      return tf.layers.embedding({
        name,
        inputDim: c.input_dim as number,
        outputDim: c.output_dim as number,
        maskZero: c.mask_zero as boolean,
      });
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return recurrent(className, c, name);
    case 'Bidirectional':
      return tf.layers.bidirectional({
        name,
        layer: recurrent(c.layer as string, c),
        mergeMode: c.merge_mode as 'concat' | 'sum' | 'mul' | 'ave',
      });
    case 'GaussianNoise':
      return tf.layers.gaussianNoise({ name, stddev: c.stddev as number });
    case 'SpatialDropout2D':
      return new SpatialDropout2DLayer({ name, rate: c.rate as number });
    case 'Concatenate':
      return tf.layers.concatenate({ name, axis: c.axis as number });
    case 'Add':
      return tf.layers.add({ name });
    case 'Multiply':
      return tf.layers.multiply({ name });
    case 'Average':
      return tf.layers.average({ name });
    case 'Maximum':
      return tf.layers.maximum({ name });
    case 'Subtract':
      return new SubtractLayer({ name });
    default:
      // analyzeGraph reports unknown kinds, so reaching this means a spec was added without a builder.
      throw new Error(`No tfjs builder for layer kind ${className}`);
  }
}
