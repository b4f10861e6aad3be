import type { Rng } from '../data/random';

/**
 * tfjs 4.22 has no global seed (`tf.setSeed` does not exist). Its random ops seed themselves from
 * `Math.random()` when given no seed (tfjs-core rand_util: `seed ? seed : Math.random()`), and that is what
 * layer initializers and Dropout do. So substituting a seeded `Math.random` for the duration of a synchronous
 * call makes weight initialisation and dropout masks reproducible without touching the graph's layers.
 *
 * Only synchronous work inside `fn` is covered; the original is always restored, even when `fn` throws.
 */
export function withSeededMathRandom<T>(rng: Rng, fn: () => T): T {
  const original = Math.random;
  Math.random = rng;
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
