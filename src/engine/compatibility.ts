import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types';
import { EngineFailure } from './failures';

const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const show = (dims: ReadonlyArray<number | null>) =>
  `[${dims.map((d) => (d === null ? 'None' : d)).join(', ')}]`;

/**
 * Checks that a dataset can feed a model and says how: the shape each sample must take for the model's
 * input. Samples are reshaped when only the layout differs (784 values feed a [28, 28, 1] input and the other
 * way round); anything else is a `data` failure that names both shapes and the layer to change.
 */
export function sampleShapeFor(model: tf.LayersModel, dataset: Dataset): number[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new EngineFailure(
      'data',
      `This model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the built-in datasets feed one input and train one output.`,
      ['Keep one Input layer and one output layer.'],
    );
  }
  const inputName = model.inputLayers[0]?.name ?? 'the Input layer';
  const inputShape = model.inputs[0].shape.slice(1);
  const sampleSize = product(dataset.sampleShape);
  if (inputShape.some((d) => d === null)) {
    throw new EngineFailure(
      'data',
      `The input '${inputName}' has shape ${show(inputShape)} with unknown dimensions; ${dataset.name} samples are ${show(dataset.sampleShape)}.`,
      [`Set the input shape of '${inputName}' to ${show(dataset.sampleShape)}.`],
    );
  }
  const dims = inputShape as number[];
  if (product(dims) !== sampleSize) {
    throw new EngineFailure(
      'data',
      `The input '${inputName}' expects samples of shape ${show(dims)} (${product(dims)} values), but ${dataset.name} samples are ${show(dataset.sampleShape)} (${sampleSize} values).`,
      [`Set the input shape of '${inputName}' to ${show(dataset.sampleShape)}.`],
    );
  }

  const outputShape = model.outputs[0].shape;
  const outputName = model.outputLayers[0]?.name ?? 'the output layer';
  const classes = dataset.classNames.length;
  if (outputShape.length !== 2) {
    throw new EngineFailure(
      'data',
      `The output '${outputName}' has shape ${show(outputShape)}; classifying ${dataset.name} needs one value per class, shape [None, ${classes}].`,
      [`Add a Flatten (or GlobalAveragePooling2D) before '${outputName}'.`],
    );
  }
  if (outputShape[1] !== classes) {
    throw new EngineFailure(
      'data',
      `The output '${outputName}' has ${outputShape[1]} units, but ${dataset.name} has ${classes} classes.`,
      [`Set units of '${outputName}' to ${classes}.`],
    );
  }
  return dims;
}
