import { describe, expect, it } from 'vitest';
import {
  createStepClock,
  estimateEta,
  formatDuration,
  formatRate,
  globalStep,
  MIN_INTERVALS,
  WARMUP_STEPS,
} from './eta';

describe('step clock', () => {
  it('leaves the warm-up steps out and is null until enough intervals are timed', () => {
    const clock = createStepClock();
    // Step 1 took 2 s (shader compilation); from then on a step takes 10 ms.
    clock.observe(1, 2000);
    let t = 2000;
    for (let step = 2; step <= 1 + WARMUP_STEPS + MIN_INTERVALS; step++) {
      expect(clock.msPerStep()).toBeNull();
      t += step <= 1 + WARMUP_STEPS ? 50 : 10;
      clock.observe(step, t);
    }
    expect(clock.msPerStep()).toBe(10);
  });

  it('averages intervals of several steps per observation, and follows a change smoothly', () => {
    const clock = createStepClock();
    let t = 0;
    for (let step = 0; step <= 100; step += 5) {
      clock.observe(step, t);
      t += 5 * 20;
    }
    expect(clock.msPerStep()).toBeCloseTo(20, 9);
    clock.observe(105, t + 5 * 40 - 100);
    const after = clock.msPerStep()!;
    expect(after).toBeGreaterThan(20);
    expect(after).toBeLessThan(40);
  });

  it('ignores repeated or older steps', () => {
    const clock = createStepClock();
    for (let step = 0; step <= 10; step++) clock.observe(step, step * 10);
    clock.observe(10, 500);
    clock.observe(9, 600);
    expect(clock.msPerStep()).toBe(10);
  });
});

describe('eta', () => {
  const at = { epoch: 2, step: 14, stepsPerEpoch: 47, epochs: 5, samples: 1500 };

  it('counts what is left of this epoch and of the later ones', () => {
    const eta = estimateEta(100, at)!;
    expect(eta.epochSeconds).toBeCloseTo(3.3, 9);
    expect(eta.runSeconds).toBeCloseTo((33 + 3 * 47) / 10, 9);
    expect(eta.samplesPerSecond).toBeCloseTo(1500 / 47 / 0.1, 9);
  });

  it('is null while the step time is unknown', () => {
    expect(estimateEta(null, at)).toBeNull();
    expect(estimateEta(0, at)).toBeNull();
  });

  it('numbers steps across epochs', () => {
    expect(globalStep(at)).toBe(61);
  });

  it('says durations and rates in words a person reads at a glance', () => {
    expect(formatDuration(0.4)).toBe('under 1 s');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatRate(1234.4)).toBe('1,234 samples/s');
    expect(formatRate(3.14)).toBe('3.1 samples/s');
  });
});
