import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuWithoutLeaks } from './compile/test-utils';
import { createThrottle } from './throttle';
import { withSeededMathRandom } from './seeded-random';
import { createRng } from '../data/random';

useCpuWithoutLeaks();

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
