import { describe, expect, it } from 'vitest';
import type { MemoryEstimateView } from '../experiment/protocol';
import {
  barPercent,
  barScale,
  estimateSegments,
  formatBytes,
  layerRows,
  percentDifference,
} from './memory-format';

describe('formatBytes', () => {
  it('uses MB with one decimal from 1 MB up', () => {
    expect(formatBytes(1024 * 1024)).toBe('1.0 MB');
    expect(formatBytes(256 * 1024 * 1024)).toBe('256.0 MB');
    expect(formatBytes(4_265_560)).toBe('4.1 MB');
  });
  it('uses KB for small figures and bytes below 1 KB', () => {
    expect(formatBytes(843_988)).toBe('824.2 KB');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(396)).toBe('396 B');
    expect(formatBytes(0)).toBe('0 B');
  });
  it('keeps the sign of a negative delta and refuses non-numbers', () => {
    expect(formatBytes(-2048)).toBe('−2.0 KB');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('percentDifference', () => {
  it('is relative to the estimate and signed', () => {
    expect(percentDifference(110, 100)).toBe('+10.0%');
    expect(percentDifference(95, 100)).toBe('−5.0%');
    expect(percentDifference(100, 100)).toBe('±0.0%');
    expect(percentDifference(100, 0)).toBe('—');
  });
});

describe('bars', () => {
  const estimate: MemoryEstimateView = {
    batchSize: 128,
    peakBytes: 843_988,
    components: {
      weights: 6156,
      gradients: 6156,
      optimizer: 12_328,
      activations: 1024,
      batch: 2560,
      workspace: 810_644,
    },
    residentBytes: 5120,
    budgetBytes: 314_572.8,
    fits: false,
    largestBatchThatFits: 45,
    layers: [
      { layer: 'dense', bytes: 393_216 },
      { layer: 'dense_1', bytes: 4608 },
    ],
  };

  it('segments the estimate by component plus the resident dataset, summing to the peak', () => {
    const segments = estimateSegments(estimate);
    expect(segments.map((s) => s.key)).toEqual([
      'weights',
      'gradients',
      'optimizer',
      'activations',
      'batch',
      'workspace',
      'resident',
    ]);
    expect(segments.reduce((sum, s) => sum + s.bytes, 0)).toBe(estimate.peakBytes);
  });

  it('scales so both the total and the budget line fit', () => {
    const scale = barScale(estimate.peakBytes, estimate.budgetBytes);
    expect(barPercent(estimate.peakBytes, scale)).toBeLessThan(100);
    expect(barPercent(estimate.budgetBytes, scale)).toBeCloseTo((314_572.8 / scale) * 100);
    expect(barPercent(10, 0)).toBe(0);
    expect(barPercent(-5, 10)).toBe(0);
  });

  it('joins estimated and measured layer costs, largest first', () => {
    expect(layerRows(estimate, { dense_1: 4000, extra: 1 })).toEqual([
      { layer: 'dense', estimated: 393_216, measured: null },
      { layer: 'dense_1', estimated: 4608, measured: 4000 },
      { layer: 'extra', estimated: null, measured: 1 },
    ]);
    expect(layerRows(null, null)).toEqual([]);
  });
});
