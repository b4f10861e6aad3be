import { describe, expect, it } from 'vitest';
import { EarlyStopping, type EarlyStoppingArgs } from './early-stopping';
import { fakeHandle } from './fake-handle';
import type { CallbackEvent } from './types';

/** Replays one value per epoch (Kiln epochs from 1); returns the epoch it stopped at (0: never) and events. */
function replay(args: EarlyStoppingArgs, series: number[], key = args.monitor ?? 'val_loss') {
  const cb = new EarlyStopping(args);
  const { handle, state } = fakeHandle();
  cb.onTrainBegin(handle);
  const events: CallbackEvent[] = [];
  let stoppedAt = 0;
  for (let epoch = 1; epoch <= series.length; epoch++) {
    state.epoch = epoch;
    const result = cb.onEpochEnd(epoch, { [key]: series[epoch - 1] }, handle);
    events.push(...result.events);
    if (result.events.some((e) => e.type === 'stop')) {
      stoppedAt = epoch;
      break;
    }
  }
  events.push(...cb.onTrainEnd(handle));
  return { stoppedAt, events, cb, state };
}

describe('EarlyStopping (Keras semantics)', () => {
  it("Keras's docstring: monitor='loss', patience=3 and a loss that never improves run 4 epochs", () => {
    const { stoppedAt, events } = replay({ monitor: 'loss', patience: 3 }, [1, 1, 1, 1, 1, 1, 1]);
    expect(stoppedAt).toBe(4);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'stop',
        callback: 'EarlyStopping',
        epoch: 4,
        reason: expect.stringMatching(/patience 3/),
      }),
    ]);
  });

  it('counts wait on every epoch and resets it on an improvement', () => {
    // best 1.0 → 0.9 (e3) resets; then 3 more without improvement.
    expect(replay({ patience: 3 }, [1, 1.1, 0.9, 0.95, 0.92, 0.91, 0.5]).stoppedAt).toBe(6);
  });

  it('patience=0 stops at the first non-improving epoch, but never on the first epoch', () => {
    expect(replay({ patience: 0 }, [1]).stoppedAt).toBe(0);
    expect(replay({ patience: 0 }, [1, 0.9, 0.95]).stoppedAt).toBe(3);
  });

  it('min_delta: an improvement must beat the best by more than |min_delta|', () => {
    expect(replay({ patience: 1, min_delta: 0.1 }, [1, 0.95, 0.5]).stoppedAt).toBe(2);
    expect(replay({ patience: 1, min_delta: -0.1 }, [1, 0.95, 0.5]).stoppedAt).toBe(2); // Keras takes abs()
    expect(replay({ patience: 1, min_delta: 0.01 }, [1, 0.95, 0.9]).stoppedAt).toBe(0);
  });

  it('mode: auto maximises accuracies; max and min override; unknown names need a mode', () => {
    expect(replay({ monitor: 'val_accuracy', patience: 1 }, [0.5, 0.4]).stoppedAt).toBe(2);
    expect(replay({ monitor: 'val_accuracy', patience: 1 }, [0.5, 0.6, 0.7]).stoppedAt).toBe(0);
    expect(replay({ monitor: 'val_loss', mode: 'max', patience: 1 }, [0.5, 0.4]).stoppedAt).toBe(2);
    expect(replay({ monitor: 'digits_loss', patience: 1 }, [0.5, 0.6]).stoppedAt).toBe(2);
    expect(() => new EarlyStopping({ monitor: 'val_mystery' })).toThrow(/mode='max'/);
    expect(replay({ monitor: 'val_mystery', mode: 'min', patience: 1 }, [0.5, 0.6]).stoppedAt).toBe(2);
  });

  it('baseline: improvements that do not beat the baseline keep counting, so it stops after patience', () => {
    const args = { monitor: 'val_accuracy', baseline: 0.6, patience: 2 };
    expect(replay(args, [0.55, 0.5, 0.52]).stoppedAt).toBe(2);
    expect(replay({ ...args, baseline: null }, [0.55, 0.5, 0.52]).stoppedAt).toBe(3);
    // Keras's edge: an improvement returns before the patience check, so values that keep improving while
    // staying below the baseline never stop training.
    expect(replay(args, [0.55, 0.56, 0.57, 0.58, 0.59]).stoppedAt).toBe(0);
    // Beating the baseline resets wait as usual.
    expect(replay(args, [0.55, 0.65, 0.64, 0.66, 0.6, 0.6]).stoppedAt).toBe(6);
  });

  it('start_from_epoch: the first epochs (Keras 0-based index) are not monitored', () => {
    expect(replay({ patience: 0 }, [1, 2, 3, 4]).stoppedAt).toBe(2);
    expect(replay({ patience: 0, start_from_epoch: 2 }, [1, 2, 3, 4]).stoppedAt).toBe(4);
  });

  it('restore_best_weights restores the best epoch at train end, stopped or not, and releases every snapshot', () => {
    const stopped = replay({ patience: 2, restore_best_weights: true }, [0.5, 0.3, 0.4, 0.45, 0.1]);
    expect(stopped.stoppedAt).toBe(4);
    expect(stopped.state.restoredFrom).toBe(2);
    expect(stopped.events.at(-1)).toEqual({
      type: 'restore-best-weights',
      callback: 'EarlyStopping',
      epoch: 4,
      bestEpoch: 2,
      value: 0.3,
    });
    expect(stopped.state.live.size).toBe(0);

    const finished = replay({ patience: 5, restore_best_weights: true }, [0.5, 0.3, 0.4]);
    expect(finished.stoppedAt).toBe(0);
    expect(finished.state.restoredFrom).toBe(2);
    expect(finished.state.live.size).toBe(0);

    // Without an improvement over the baseline, the best of the monitored epochs is still restored.
    const below = replay(
      { monitor: 'val_accuracy', baseline: 0.9, patience: 2, restore_best_weights: true },
      [0.5, 0.6, 0.55],
    );
    expect(below.stoppedAt).toBe(3);
    expect(below.state.restoredFrom).toBe(2);
  });

  it('a missing monitor warns and changes nothing', () => {
    const { stoppedAt, events } = replay({ monitor: 'val_loss', patience: 0 }, [1, 2, 3], 'loss');
    expect(stoppedAt).toBe(0);
    expect(events.map((e) => e.type)).toEqual(['warning', 'warning', 'warning']);
  });

  it('on_train_begin resets it for reuse', () => {
    const { cb } = replay({ patience: 0 }, [1, 2]);
    expect(cb.stoppedEpoch).toBe(2);
    cb.onTrainBegin(fakeHandle().handle);
    expect([cb.wait, cb.best, cb.stoppedEpoch]).toEqual([0, null, 0]);
  });
});
