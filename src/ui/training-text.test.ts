import { describe, expect, it } from 'vitest';
import { announcement, describePatch } from './training-text';

const base = { backend: 'webgpu', epoch: 0, epochs: 3, history: [], failure: null };

describe('announcement', () => {
  it('says a run failed with its message', () => {
    expect(
      announcement({ ...base, status: 'failed', failure: { message: 'ResourceExhaustedError: OOM' } }),
    ).toBe('Training failed: ResourceExhaustedError: OOM');
  });

  it('says a resumed run continues with the applied patch until it finishes an epoch', () => {
    const resumed = { ...base, resumedWith: { batchSize: 16 }, resumedAtEpoch: 1, epoch: 1 };
    expect(announcement({ ...resumed, status: 'starting' })).toBe('Training resumed with batch size 16.');
    expect(announcement({ ...resumed, status: 'training' })).toBe('Training resumed with batch size 16.');
    expect(
      announcement({ ...resumed, status: 'training', epoch: 2, history: [{ loss: 1 }, { loss: 0.5 }] }),
    ).toBe('Training on webgpu: epoch 2 of 3, loss 0.5000');
  });

  it('announces an early stop with the callback’s reason', () => {
    const earlyStopped = {
      callback: 'EarlyStopping',
      epoch: 2,
      reason: 'loss did not improve (patience 1).',
    };
    expect(
      announcement({
        ...base,
        status: 'finished',
        epoch: 2,
        history: [{ loss: 1 }, { loss: 0.5 }],
        earlyStopped,
      }),
    ).toBe(
      'Early stopping at epoch 2: loss did not improve (patience 1). Training finished: 2 epochs, loss 0.5000',
    );
  });
});

describe('describePatch', () => {
  it('names every setting in words', () => {
    expect(describePatch({ batchSize: 16 })).toBe('batch size 16');
    expect(describePatch({ budgetMB: 2, optimizer: 'sgd', allocation: 'growth', ignoreEstimate: true })).toBe(
      'memory budget 2 MB, optimizer SGD, memory growth, the estimate ignored',
    );
    expect(describePatch({})).toBe('the same settings');
    expect(describePatch({ epochs: 5, batchSize: 16 })).toBe('5 epochs in all, batch size 16');
  });
});

describe('run control in words', () => {
  it('says where a paused run stands, that batch’s loss after a single step, and that a pause is coming', () => {
    const paused = { epoch: 2, step: 14, stepsPerEpoch: 47 };
    expect(announcement({ ...base, status: 'paused', epoch: 1, paused })).toBe(
      'Paused at epoch 2, step 14/47',
    );
    expect(announcement({ ...base, status: 'paused', paused: { ...paused, batchLoss: 0.51234 } })).toBe(
      'Paused at epoch 2, step 14/47 — that batch’s loss 0.5123',
    );
    expect(announcement({ ...base, status: 'training', pausing: true })).toBe('Pausing after this step…');
  });
});
