import * as tf from '@tensorflow/tfjs';

/**
 * Keras layers tfjs-layers 4.22 does not have, written against tfjs's public Layer API and registered under
 * their Keras class names so saved models round-trip.
 */

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

/** Keras's element-wise output shape rule: equal, 1 broadcasts, unknown stays unknown. */
function broadcastShapes(shapes: tf.Shape[]): tf.Shape {
  const out = [...shapes[0]];
  for (const s of shapes.slice(1)) {
    for (let d = 0; d < s.length; d++) {
      const a = out[d];
      const b = s[d];
      out[d] = a === null || b === null ? null : a === 1 ? b : a;
    }
  }
  return out;
}

/** Keras `Subtract`: inputs[0] − inputs[1]; tfjs-layers 4.22 has every other merge layer but this one. */
export class SubtractLayer extends tf.layers.Layer {
  static className = 'Subtract';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return broadcastShapes(inputShape as tf.Shape[]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    return tf.sub(a, b);
  }
}
tf.serialization.registerClass(SubtractLayer);

interface SpatialDropoutArgs {
  name?: string;
  rate: number;
}

/**
 * Keras `SpatialDropout2D`: drops whole channels. tfjs has only SpatialDropout1D; the noise shape
 * (batch, 1, 1, channels) makes one draw per sample and channel, as Keras does for channels-last input.
 */
export class SpatialDropout2DLayer extends tf.layers.Layer {
  static className = 'SpatialDropout2D';
  readonly rate: number;

  constructor(args: SpatialDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return tf.clone(x);
    const [batch, , , channels] = x.shape as number[];
    return tf.dropout(x, this.rate, [batch, 1, 1, channels]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SpatialDropout2DLayer);
