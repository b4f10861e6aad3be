import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types';
import type { OutputLossPlan } from './compile/multi-output';
import { EngineFailure } from './failures';

/**
 * How a built-in dataset (one kind of sample, one-hot labels) feeds a model with any number of inputs and
 * outputs: every input gets the dataset's samples, every output the labels, as one-hot rows or as class
 * indices (`sparse`) by the loss that output trains with. Samples are reshaped when only the layout differs
 * (784 values feed a [28, 28, 1] input and the other way round); anything else is a `data` failure that names
 * the input or output and both shapes.
 */
export type TargetKind = 'onehot' | 'sparse';

export interface FeedPlan {
  /** The shape of one sample for each model input, in `model.inputs` order; the first is how `x` is stored. */
  inputShapes: number[][];
  /** Per model output (in `model.outputs` order): its name and the targets it needs, null without a loss. */
  outputs: { name: string; units: number; target: TargetKind | null }[];
}

const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const show = (dims: ReadonlyArray<number | null>) =>
  `[${dims.map((d) => (d === null ? 'None' : d)).join(', ')}]`;

export function planFeed(model: tf.LayersModel, dataset: Dataset, losses: OutputLossPlan): FeedPlan {
  const inputShapes = model.inputs.map((input, i) =>
    inputShape(model.inputLayers[i]?.name ?? 'the Input layer', input.shape.slice(1), dataset),
  );
  const outputs = model.outputs.map((output, i) => {
    const name = model.outputLayers[i]?.name ?? `output ${i}`;
    const loss = losses.find((p) => p.output === name)?.loss ?? null;
    const units = outputUnits(name, output.shape, dataset, loss !== null);
    const target: TargetKind | null =
      loss === null ? null : loss.name === 'sparse_categorical_crossentropy' ? 'sparse' : 'onehot';
    return { name, units, target };
  });
  return { inputShapes, outputs };
}

function inputShape(name: string, shape: (number | null)[], dataset: Dataset): number[] {
  const sampleSize = product(dataset.sampleShape);
  if (shape.some((d) => d === null)) {
    throw new EngineFailure(
      'data',
      `The input '${name}' has shape ${show(shape)} with unknown dimensions; ${dataset.name} samples are ${show(dataset.sampleShape)}.`,
      [`Set the input shape of '${name}' to ${show(dataset.sampleShape)}.`],
    );
  }
  const dims = shape as number[];
  if (product(dims) !== sampleSize) {
    throw new EngineFailure(
      'data',
      `The input '${name}' expects samples of shape ${show(dims)} (${product(dims)} values), but ${dataset.name} samples are ${show(dataset.sampleShape)} (${sampleSize} values).`,
      [`Set the input shape of '${name}' to ${show(dataset.sampleShape)}.`],
    );
  }
  return dims;
}

/** An output trained on the labels must give one value per class; one without a loss is left as it is. */
function outputUnits(name: string, shape: (number | null)[], dataset: Dataset, trained: boolean): number {
  const units = shape[shape.length - 1] ?? 0;
  if (!trained) return units;
  const classes = dataset.classNames.length;
  if (shape.length !== 2) {
    throw new EngineFailure(
      'data',
      `The output '${name}' has shape ${show(shape)}; classifying ${dataset.name} needs one value per class, shape [None, ${classes}].`,
      [`Add a Flatten (or GlobalAveragePooling2D) before '${name}'.`],
    );
  }
  if (units !== classes) {
    throw new EngineFailure(
      'data',
      `The output '${name}' has ${units} units, but ${dataset.name} has ${classes} classes.`,
      [`Set units of '${name}' to ${classes}.`],
    );
  }
  return units;
}

/** Class indices (argmax of each one-hot row), derived once when the dataset is uploaded. */
export function classIndices(dataset: Pick<Dataset, 'y' | 'count' | 'classNames'>): Int32Array {
  const classes = dataset.classNames.length;
  const indices = new Int32Array(dataset.count);
  for (let i = 0; i < dataset.count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if (dataset.y[i * classes + c] > dataset.y[i * classes + best]) best = c;
    }
    indices[i] = best;
  }
  return indices;
}
