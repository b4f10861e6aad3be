import { beforeAll, describe, expect, it } from 'vitest';
import { loadPackedMnist, packMnist } from '../../scripts/mnist-asset-plugin';
import { decodeMnist, encodeMnist, readMnistHeader } from './mnist';
import { classCounts } from './split';
import { DataError } from './errors';

let buffer: ArrayBuffer;

beforeAll(() => {
  const packed = loadPackedMnist();
  buffer = packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength) as ArrayBuffer;
});

describe('packed MNIST', () => {
  it('holds every sample of the mnist package in a compact file', () => {
    const header = readMnistHeader(buffer);
    expect(header).toEqual({ classes: 10, count: 10_000, rows: 28, cols: 28 });
    expect(buffer.byteLength).toBe(16 + 10_000 * 785);
  });

  it('is what packing the package gives today (the cache is not stale)', () => {
    expect(Buffer.from(packMnist()).equals(Buffer.from(buffer))).toBe(true);
  });

  it('decodes to [28,28,1] pixels in [0,1], one-hot labels and classes 0..9', () => {
    const ds = decodeMnist(buffer, 2000);
    expect(ds.count).toBe(2000);
    expect(ds.sampleShape).toEqual([28, 28, 1]);
    expect(ds.x.length).toBe(2000 * 784);
    expect(ds.y.length).toBe(2000 * 10);
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    for (let i = 0; i < ds.count; i++) {
      const row = ds.y.subarray(i * 10, i * 10 + 10);
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
    }
  });

  it('interleaves classes so that any prefix is balanced', () => {
    expect(classCounts(decodeMnist(buffer, 1000))).toEqual(new Array(10).fill(100));
    expect(classCounts(decodeMnist(buffer, 35))).toEqual([4, 4, 4, 4, 4, 3, 3, 3, 3, 3]);
    const all = classCounts(decodeMnist(buffer, 10_000));
    expect(all).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it('keeps digits recognisable: a mean "1" has more ink in the centre column than at the edges', () => {
    const ds = decodeMnist(buffer, 1000);
    let centre = 0;
    let edge = 0;
    for (let i = 1; i < ds.count; i += 10) {
      for (let row = 4; row < 24; row++) {
        centre += ds.x[i * 784 + row * 28 + 14];
        edge += ds.x[i * 784 + row * 28 + 4];
      }
    }
    expect(centre).toBeGreaterThan(5 * edge);
  });

  it('rejects more samples than it has, and bytes that are not the format, with DataError', () => {
    expect(() => decodeMnist(buffer, 10_001)).toThrow(DataError);
    expect(() => decodeMnist(new TextEncoder().encode('<!doctype html><html></html>').buffer, 10)).toThrow(
      /not in the expected format/,
    );
    expect(() => decodeMnist(buffer.slice(0, 1000), 1)).toThrow(/truncated/);
  });

  it('round-trips a tiny hand-made file', () => {
    const byClass = Array.from({ length: 10 }, (_, d) => new Array(784 * (d === 3 ? 2 : 1)).fill(d / 10));
    const packed = encodeMnist(byClass);
    const ds = decodeMnist(packed.buffer as ArrayBuffer, 11);
    expect(ds.x[0]).toBeCloseTo(0, 6);
    expect(ds.x[9 * 784]).toBeCloseTo(Math.round(0.9 * 255) / 255, 6);
    // Sample 10 is the second "3": the only class with more than one sample.
    expect(ds.y[10 * 10 + 3]).toBe(1);
  });
});
