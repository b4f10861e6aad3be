import { describe, expect, it } from 'vitest';
import type { CallbackEventView } from '../experiment/protocol';
import { callbackWarnings, chartMarks, formatRate } from './callback-marks';

const events: CallbackEventView[] = [
  {
    type: 'checkpoint',
    callback: 'ModelCheckpoint',
    epoch: 1,
    key: 'a',
    monitor: 'loss',
    value: 0.5,
    weightsOnly: false,
  },
  { type: 'warning', callback: 'EarlyStopping', epoch: 1, message: 'no val_loss' },
  {
    type: 'checkpoint',
    callback: 'ModelCheckpoint',
    epoch: 2,
    key: 'b',
    monitor: 'loss',
    value: 0.4,
    weightsOnly: false,
  },
  { type: 'lr-change', callback: 'ReduceLROnPlateau', epoch: 2, oldLr: 0.05, newLr: 0.025 },
  { type: 'stop', callback: 'EarlyStopping', epoch: 2, reason: 'no improvement' },
  { type: 'warning', callback: 'EarlyStopping', epoch: 2, message: 'no val_loss' },
  { type: 'restore-best-weights', callback: 'EarlyStopping', epoch: 2, bestEpoch: 1, value: 0.5 },
];

describe('chartMarks', () => {
  it('turns callback events into labelled marks at their epoch, stacking labels per epoch', () => {
    const marks = chartMarks(events);
    expect(marks.map((m) => [m.event, m.epoch, m.label, m.row])).toEqual([
      ['checkpoint', 1, '', 0],
      ['checkpoint', 2, 'checkpoint', 0],
      ['lr-change', 2, 'lr 0.05 → 0.025', 1],
      ['stop', 2, 'EarlyStopping', 2],
      ['restore-best-weights', 1, 'best weights', 0],
    ]);
    expect(marks.every((m) => m.text.length > 0)).toBe(true);
    expect(marks[3].text).toContain('stopped training at epoch 2: no improvement');
  });

  it('lists each warning once', () => {
    expect(callbackWarnings(events)).toEqual(['no val_loss']);
  });

  it('formats learning rates briefly', () => {
    expect(formatRate(0.025)).toBe('0.025');
    expect(formatRate(0.1 * 0.1)).toBe('0.01');
    expect(formatRate(0.0001)).toBe('1e-4');
  });
});
