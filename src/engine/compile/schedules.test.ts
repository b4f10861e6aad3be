import { describe, expect, it } from 'vitest';
import {
  cosineDecay,
  epochScheduleFunction,
  exponentialDecay,
  piecewiseConstant,
  scheduleFunction,
} from './schedules';

describe('learning-rate schedules (keras.optimizers.schedules)', () => {
  it('constant, and no schedule, keep the initial rate', () => {
    expect(scheduleFunction(undefined, 0.01)(1000)).toBe(0.01);
    expect(scheduleFunction({ name: 'constant' }, 0.01)(1000)).toBe(0.01);
  });

  it('ExponentialDecay: continuous, and staircase (step decay)', () => {
    const smooth = exponentialDecay(0.1, 10, 0.5);
    expect(smooth(0)).toBe(0.1);
    expect(smooth(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 12);
    expect(smooth(20)).toBeCloseTo(0.025, 12);
    const stairs = scheduleFunction(
      { name: 'exponential_decay', decay_steps: 10, decay_rate: 0.5, staircase: true },
      0.1,
    );
    expect([0, 9, 10, 19, 20].map(stairs)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('PiecewiseConstantDecay: a boundary step still has the earlier value', () => {
    const lr = piecewiseConstant([10, 20], [1, 0.5, 0.1]);
    expect([0, 10, 11, 20, 21, 1e6].map(lr)).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() => piecewiseConstant([10], [1])).toThrow(/one more value/);
    expect(() => piecewiseConstant([10, 5], [1, 2, 3])).toThrow(/increase/);
  });

  it('CosineDecay: half a cosine to alpha·initial, then held; with linear warmup', () => {
    const lr = cosineDecay(1, 100, { alpha: 0.1 });
    expect(lr(0)).toBe(1);
    expect(lr(50)).toBeCloseTo(0.55, 12);
    expect(lr(100)).toBeCloseTo(0.1, 12);
    expect(lr(500)).toBeCloseTo(0.1, 12);
    const warm = scheduleFunction(
      { name: 'cosine_decay', decay_steps: 100, warmup_target: 1, warmup_steps: 10 },
      0,
    );
    expect(warm(0)).toBe(0);
    expect(warm(5)).toBeCloseTo(0.5, 12);
    expect(warm(10)).toBeCloseTo(1, 12);
    expect(warm(60)).toBeCloseTo(0.5, 12);
    expect(warm(1000)).toBeCloseTo(0, 12);
  });

  it('epoch schedules for LearningRateScheduler: a step schedule by epoch, or multiply from an epoch', () => {
    const decay = epochScheduleFunction({ name: 'exponential_decay', decay_steps: 1, decay_rate: 0.5 }, 0.1);
    expect(decay(2, 123)).toBeCloseTo(0.025, 12);
    const keras = epochScheduleFunction({ name: 'multiply', factor: Math.exp(-0.1), start_epoch: 10 }, 0.01);
    // Keras's docstring example: 15 epochs from 0.01 leave ≈ 0.00607.
    let rate = 0.01;
    for (let epoch = 0; epoch < 15; epoch++) rate = keras(epoch, rate);
    expect(rate).toBeCloseTo(0.00607, 5);
  });
});
