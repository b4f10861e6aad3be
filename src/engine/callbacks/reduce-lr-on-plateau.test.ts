import { describe, expect, it } from 'vitest';
import { fakeHandle } from './fake-handle';
import { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce-lr-on-plateau';
import type { CallbackEvent } from './types';

function replay(args: ReduceLROnPlateauArgs, series: number[], lr = 1, key = args.monitor ?? 'val_loss') {
  const cb = new ReduceLROnPlateau(args);
  const { handle, state } = fakeHandle(lr);
  cb.onTrainBegin();
  const events: CallbackEvent[] = [];
  series.forEach((v, i) => events.push(...cb.onEpochEnd(i + 1, { [key]: v }, handle).events));
  const changes = events.filter((e) => e.type === 'lr-change');
  return { changes: changes.map((e) => [e.epoch, e.newLr]), events, lr: state.lr };
}

describe('ReduceLROnPlateau (Keras semantics)', () => {
  it('multiplies the rate by factor after `patience` epochs without improvement, then counts again', () => {
    const { changes, events } = replay({ patience: 2, factor: 0.5 }, [1, 1, 1, 1, 1]);
    expect(changes).toEqual([
      [3, 0.5],
      [5, 0.25],
    ]);
    expect(events[0]).toEqual({
      type: 'lr-change',
      callback: 'ReduceLROnPlateau',
      epoch: 3,
      oldLr: 1,
      newLr: 0.5,
    });
  });

  it('cooldown: the counter runs down first and resets wait; wait counts only out of cooldown', () => {
    expect(
      replay({ patience: 1, factor: 0.5, cooldown: 2 }, [1, 1, 1, 1, 1, 1]).changes.map(([e]) => e),
    ).toEqual([2, 4, 6]);
    expect(replay({ patience: 1, factor: 0.5, cooldown: 0 }, [1, 1, 1, 1]).changes.map(([e]) => e)).toEqual([
      2, 3, 4,
    ]);
  });

  it("min_delta in 'min' mode: an improvement is current < best − min_delta (default 1e-4)", () => {
    expect(replay({ patience: 1 }, [1, 0.99995]).changes).toEqual([[2, 0.1]]);
    expect(replay({ patience: 1 }, [1, 0.9998]).changes).toEqual([]);
    expect(replay({ patience: 1, min_delta: 0.1 }, [1, 0.95]).changes).toHaveLength(1);
  });

  it("auto mode follows the metric's direction (Keras ≥ 3.6); 'max' mode compares current > best + min_delta", () => {
    expect(replay({ monitor: 'val_accuracy', patience: 1 }, [0.5, 0.6, 0.7]).changes).toEqual([]);
    expect(replay({ monitor: 'val_accuracy', patience: 1 }, [0.5, 0.4]).changes).toHaveLength(1);
    // Precision goes up (StreamingMetric.direction), though "acc" is not in its name.
    expect(replay({ monitor: 'val_precision', patience: 1 }, [0.5, 0.6, 0.7]).changes).toEqual([]);
    const directions = { my_score: 'up' as const };
    expect(replay({ monitor: 'val_my_score', patience: 1, directions }, [0.5, 0.6]).changes).toEqual([]);
    expect(() => new ReduceLROnPlateau({ monitor: 'val_auc' })).toThrow(/maximized or minimized/);
    expect(replay({ monitor: 'val_auc', mode: 'max', patience: 1 }, [0.5, 0.6]).changes).toEqual([]);
    expect(replay({ monitor: 'val_auc', mode: 'max', patience: 1 }, [0.6, 0.6001]).changes).toHaveLength(1);
  });

  it('never goes below min_lr, and stops reducing once there', () => {
    const { changes, lr } = replay({ patience: 1, factor: 0.1, min_lr: 0.05 }, [1, 1, 1, 1], 0.1);
    expect(changes).toEqual([[2, 0.05]]);
    expect(lr).toBe(0.05);
  });

  it('defaults are Keras’s (factor 0.1, patience 10); factor ≥ 1 is refused; a missing key warns', () => {
    expect(replay({}, new Array(11).fill(1)).changes).toEqual([[11, 0.1]]);
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/factor >= 1.0/);
    expect(replay({ patience: 0 }, [1], 1, 'loss').events[0].type).toBe('warning');
  });
});
