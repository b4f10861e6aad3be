import { describe, expect, it } from 'vitest';
import { makeBlobs } from './blobs';
import { classCounts, splitDataset, subset } from './split';
import { createRng, permutation } from './random';

describe('seeded randomness', () => {
  it('repeats with the same seed and differs with another', () => {
    expect(Array.from(permutation(20, createRng(1)))).toEqual(Array.from(permutation(20, createRng(1))));
    expect(Array.from(permutation(20, createRng(1)))).not.toEqual(Array.from(permutation(20, createRng(2))));
    expect([...permutation(50, createRng(7))].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
  });
});

describe('makeBlobs', () => {
  it('makes a balanced 2-D, 3-class dataset, the same for the same seed', () => {
    const a = makeBlobs(300, 42);
    expect(a.sampleShape).toEqual([2]);
    expect(a.x.length).toBe(600);
    expect(a.y.length).toBe(900);
    expect(classCounts(a)).toEqual([100, 100, 100]);
    expect(a.x).toEqual(makeBlobs(300, 42).x);
    expect(a.x).not.toEqual(makeBlobs(300, 43).x);
  });
});

describe('splitDataset', () => {
  it('splits like Keras (train = floor(n × (1 − split))) after a seeded shuffle', () => {
    const ds = makeBlobs(101, 1);
    const { train, validation } = splitDataset(ds, 0.1, 5);
    expect(train.count).toBe(90);
    expect(validation?.count).toBe(11);
    expect(train.x.length).toBe(180);
    // Every sample lands in exactly one part.
    const key = (x: Float32Array, i: number) => `${x[2 * i]},${x[2 * i + 1]}`;
    const seen = new Set<string>();
    for (let i = 0; i < train.count; i++) seen.add(key(train.x, i));
    for (let i = 0; i < validation!.count; i++) seen.add(key(validation!.x, i));
    expect(seen.size).toBe(101);
    expect(splitDataset(ds, 0.1, 5).validation!.x).toEqual(validation!.x);
  });

  it('gives no validation set for a split of 0', () => {
    const { train, validation } = splitDataset(makeBlobs(10, 1), 0, 1);
    expect(train.count).toBe(10);
    expect(validation).toBeNull();
  });

  it('subset copies the rows asked for', () => {
    const ds = makeBlobs(5, 3);
    const picked = subset(ds, [4, 0]);
    expect(Array.from(picked.x)).toEqual([ds.x[8], ds.x[9], ds.x[0], ds.x[1]]);
    expect(picked.count).toBe(2);
  });
});
