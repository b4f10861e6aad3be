import type { Dataset } from './types';
import { createRng, deriveSeed, permutation } from './random';

/** A new dataset holding the samples at `indices`, in that order. */
export function subset(dataset: Dataset, indices: ArrayLike<number>, name = dataset.name): Dataset {
  const xSize = dataset.sampleShape.reduce((a, b) => a * b, 1);
  const ySize = dataset.classNames.length;
  const x = new Float32Array(indices.length * xSize);
  const y = new Float32Array(indices.length * ySize);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i];
    x.set(dataset.x.subarray(from * xSize, (from + 1) * xSize), i * xSize);
    y.set(dataset.y.subarray(from * ySize, (from + 1) * ySize), i * ySize);
  }
  return { ...dataset, name, x, y, count: indices.length, sampleShape: [...dataset.sampleShape] };
}

export interface Split {
  train: Dataset;
  /** `null` when the split is 0 or leaves no sample for validation. */
  validation: Dataset | null;
}

/**
 * Shuffles with a seed, then holds out the last `validationSplit` of the samples. Keras's `validation_split`
 * takes the tail without shuffling; we shuffle first because a generated or packed dataset may be ordered,
 * and the seed keeps the split reproducible. The count follows Keras: `train = floor(n × (1 − split))`.
 */
export function splitDataset(dataset: Dataset, validationSplit: number, seed: number): Split {
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    throw new RangeError(`validationSplit must be in [0, 1), got ${validationSplit}`);
  }
  const order = permutation(dataset.count, createRng(deriveSeed(seed, 'split')));
  const trainCount = Math.floor(dataset.count * (1 - validationSplit));
  const train = subset(dataset, order.subarray(0, trainCount), `${dataset.name}/train`);
  if (trainCount === dataset.count) return { train, validation: null };
  return { train, validation: subset(dataset, order.subarray(trainCount), `${dataset.name}/validation`) };
}

/** Samples per class (argmax of the one-hot targets). */
export function classCounts(dataset: Dataset): number[] {
  const classes = dataset.classNames.length;
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < dataset.count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if (dataset.y[i * classes + c] > dataset.y[i * classes + best]) best = c;
    }
    counts[best]++;
  }
  return counts;
}
