import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accuracyFunction, lossFunction } from './losses';
import { createThrottle } from './throttle';
import { withSeededMathRandom } from './seeded-random';
import { createRng } from '../data/random';

let start = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

const scalar = (f: () => tf.Scalar) => {
  const t = f();
  const [value] = t.dataSync();
  t.dispose();
  return value;
};

describe('losses and accuracy (Keras semantics)', () => {
  const yTrue = [
    [1, 0, 0],
    [0, 1, 0],
  ];
  const yPred = [
    [0.7, 0.2, 0.1],
    [0.6, 0.3, 0.1],
  ];

  it('categorical cross-entropy is the batch mean of −log p(true class)', () => {
    const value = scalar(() =>
      tf.tidy(() => lossFunction('categorical_crossentropy')(tf.tensor(yTrue), tf.tensor(yPred))),
    );
    expect(value).toBeCloseTo((-Math.log(0.7) - Math.log(0.3)) / 2, 5);
  });

  it('mean squared error averages over units and samples', () => {
    const value = scalar(() =>
      tf.tidy(() => lossFunction('mean_squared_error')(tf.tensor(yTrue), tf.tensor(yPred))),
    );
    expect(value).toBeCloseTo((0.09 + 0.04 + 0.01 + 0.36 + 0.49 + 0.01) / 6, 5);
  });

  it('categorical accuracy compares argmaxes; binary accuracy thresholds each unit at 0.5', () => {
    const cat = scalar(() =>
      tf.tidy(() => accuracyFunction('categorical_crossentropy', 3)(tf.tensor(yTrue), tf.tensor(yPred))),
    );
    expect(cat).toBe(0.5);
    const bin = scalar(() =>
      tf.tidy(() => accuracyFunction('binary_crossentropy', 3)(tf.tensor(yTrue), tf.tensor(yPred))),
    );
    expect(bin).toBeCloseTo(4 / 6, 6); // row 2 misses twice: 0.6 for a 0, 0.3 for a 1
  });
});

describe('throttle', () => {
  it('lets one call through per interval', () => {
    let now = 0;
    const due = createThrottle(50, () => now);
    const passed = [];
    for (now = 0; now < 200; now += 10) passed.push(due());
    expect(passed.filter(Boolean)).toHaveLength(4);
  });
});

describe('withSeededMathRandom', () => {
  it('makes tfjs initialisers repeat and restores Math.random', () => {
    const original = Math.random;
    const init = () => {
      const t = tf.randomUniform([4]);
      const values = Array.from(t.dataSync());
      t.dispose();
      return values;
    };
    const a = withSeededMathRandom(createRng(3), init);
    const b = withSeededMathRandom(createRng(3), init);
    expect(a).toEqual(b);
    expect(Math.random).toBe(original);
    expect(() =>
      withSeededMathRandom(createRng(3), () => {
        throw new Error('x');
      }),
    ).toThrow();
    expect(Math.random).toBe(original);
  });
});
