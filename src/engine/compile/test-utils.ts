import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';

/** Shared by the compile and callback tests: CPU backend, and no tensor may outlive a test. */
export function useCpuWithoutLeaks(): void {
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
}

/** The values of a tensor made by `f`, with everything `f` allocated released. */
export function values(f: () => tf.Tensor): number[] {
  const t = tf.tidy(f);
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

export function value(f: () => tf.Tensor): number {
  return values(f)[0];
}
