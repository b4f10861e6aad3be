import type { Dataset } from './types';
import { createRng, deriveSeed, gaussian } from './random';
import { DATASET_CLASS_NAMES } from './class-names';

/** Centres on a circle, far enough apart (relative to the spread) that a tiny MLP separates them in a few epochs. */
const CENTRES: ReadonlyArray<readonly [number, number]> = [
  [2, 0],
  [-1, 1.732],
  [-1, -1.732],
];
const SPREAD = 0.6;

/**
 * Three 2-D Gaussian blobs: a dataset small and easy enough for tests that must train in well under a second.
 * Classes take turns (sample i is class i mod 3), so any prefix is balanced.
 */
export function makeBlobs(samples: number, seed: number): Dataset {
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`samples must be ≥ 1, got ${samples}`);
  const rng = createRng(deriveSeed(seed, 'blobs'));
  const classes = CENTRES.length;
  const x = new Float32Array(samples * 2);
  const y = new Float32Array(samples * classes);
  for (let i = 0; i < samples; i++) {
    const label = i % classes;
    const [cx, cy] = CENTRES[label];
    x[i * 2] = cx + SPREAD * gaussian(rng);
    x[i * 2 + 1] = cy + SPREAD * gaussian(rng);
    y[i * classes + label] = 1;
  }
  return {
    name: 'blobs',
    x,
    sampleShape: [2],
    y,
    classNames: [...DATASET_CLASS_NAMES.blobs],
    count: samples,
  };
}
