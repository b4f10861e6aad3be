import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../experiment/protocol';
import { RunEvents } from './run-events.svelte';

const stop: TrainEvent = {
  type: 'callback',
  epoch: 2,
  event: { type: 'stop', callback: 'EarlyStopping', epoch: 2, reason: 'no improvement' },
};
const notice: TrainEvent = { type: 'notice', level: 'warning', message: 'mismatch', hint: 'use softmax' };

describe('RunEvents', () => {
  it('collects callback events and notices (once per message) until reset', () => {
    const events = new RunEvents();
    events.begin();
    events.take(stop);
    events.take(notice);
    events.take(notice);
    events.take({ type: 'progress', epoch: 1, step: 1, stepsPerEpoch: 2, loss: 1 });
    expect(events.callbacks).toEqual([stop.event]);
    expect(events.notices).toEqual([notice]);
    events.finish({
      status: 'finished',
      history: [],
      tensorsBefore: 0,
      tensorsAfter: 0,
      earlyStopped: { callback: 'EarlyStopping', epoch: 2, reason: 'no improvement' },
    });
    expect(events.earlyStopped?.epoch).toBe(2);
    events.reset();
    expect([events.callbacks, events.notices, events.earlyStopped]).toEqual([[], [], null]);
  });

  it('keeps a late event of the latest run, not of an older one', () => {
    const events = new RunEvents();
    const first = events.begin();
    const second = events.begin();
    events.takeLate(stop, first);
    expect(events.callbacks).toEqual([]);
    events.takeLate(stop, second);
    expect(events.callbacks).toEqual([stop.event]);
  });

  it('a run restored to its own epoch k keeps the marks of epochs 1..k', () => {
    const events = new RunEvents();
    const mark = (epoch: number) =>
      ({ type: 'lr-change', callback: 'ReduceLROnPlateau', epoch, oldLr: 0.1, newLr: 0.05 }) as const;
    events.keepUpTo(2, [mark(1), mark(2), mark(3)]);
    expect(events.callbacks.map((e) => e.epoch)).toEqual([1, 2]);
  });
});
