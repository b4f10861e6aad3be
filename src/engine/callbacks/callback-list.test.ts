import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { epochScheduleFunction } from '../compile/schedules';
import { useCpuWithoutLeaks } from '../compile/test-utils';
import { makeOptimizer } from '../optimizers';
import { CallbackList } from './callback-list';
import { fakeHandle } from './fake-handle';
import { LearningRateScheduler, TerminateOnNaN } from './terminate-and-schedule';
import { tfjsHandle } from './tfjs-handle';

useCpuWithoutLeaks();

describe('TerminateOnNaN', () => {
  it('stops on a NaN or infinite batch loss, once, naming the batch', () => {
    const cb = new TerminateOnNaN();
    expect(cb.onBatchEnd(1, 3, { loss: 0.5 })).toEqual([]);
    expect(cb.onBatchEnd(1, 4, { loss: Number.NaN })).toEqual([
      {
        type: 'stop',
        callback: 'TerminateOnNaN',
        epoch: 1,
        batch: 4,
        reason: 'Invalid loss (NaN) at batch 4, terminating training.',
      },
    ]);
    expect(cb.onBatchEnd(1, 5, { loss: Number.NaN })).toEqual([]);
    cb.onTrainBegin();
    expect(cb.onEpochEnd(2, { loss: Infinity }).events[0]).toMatchObject({ type: 'stop', epoch: 2 });
  });
});

describe('LearningRateScheduler', () => {
  it("calls schedule(epoch, lr) with Keras's 0-based epoch at each epoch's start (Keras docstring example)", () => {
    const { handle, state } = fakeHandle(0.01);
    const seen: number[] = [];
    const cb = new LearningRateScheduler((epoch, lr) => {
      seen.push(epoch);
      return epoch < 10 ? lr : lr * Math.exp(-0.1);
    });
    const changes = Array.from({ length: 15 }, (_, i) => cb.onEpochBegin(i + 1, handle)).flat();
    expect(seen).toEqual([...Array(15).keys()]);
    expect(state.lr).toBeCloseTo(0.00607, 5);
    expect(changes.map((e) => e.epoch)).toEqual([11, 12, 13, 14, 15]);
  });

  it('refuses a schedule that returns no usable rate', () => {
    const cb = new LearningRateScheduler(() => Number.NaN);
    expect(() => cb.onEpochBegin(1, fakeHandle().handle)).toThrow(/should be a float/);
  });

  it('builds from a data schedule', () => {
    const { handle, state } = fakeHandle(0.1);
    const cb = new LearningRateScheduler(
      epochScheduleFunction({ name: 'exponential_decay', decay_steps: 1, decay_rate: 0.5 }, 0.1),
    );
    cb.onEpochBegin(3, handle);
    expect(state.lr).toBeCloseTo(0.025, 12);
  });
});

describe('CallbackList', () => {
  it('replays EarlyStopping + ModelCheckpoint + ReduceLROnPlateau and reports their events for the chart', () => {
    const { handle, state } = fakeHandle(0.1);
    const list = CallbackList.fromConfigs(
      [
        { name: 'ReduceLROnPlateau', patience: 1, factor: 0.5 },
        { name: 'ModelCheckpoint', save_best_only: true },
        { name: 'EarlyStopping', patience: 3, restore_best_weights: true },
      ],
      handle,
      { initialLr: 0.1 },
    );
    list.trainBegin();
    const valLoss = [0.9, 0.7, 0.75, 0.72, 0.71, 0.8, 0.6];
    const rates: (number | undefined)[] = [];
    let epoch = 1;
    for (; epoch <= valLoss.length; epoch++) {
      state.epoch = epoch;
      list.epochBegin(epoch);
      const result = list.epochEnd(epoch, { loss: 1, val_loss: valLoss[epoch - 1] });
      rates.push(result.logs.learning_rate);
      if (list.stopTraining) break;
    }
    list.trainEnd();
    expect(epoch).toBe(5); // 0.7 at epoch 2, then three epochs without a better value
    expect(rates).toEqual([0.1, 0.1, 0.1, 0.05, 0.025]); // the rate each epoch trained with
    expect(list.history.map((e) => `${e.type}@${e.epoch}`)).toEqual([
      'checkpoint@1',
      'checkpoint@2',
      'lr-change@3',
      'lr-change@4',
      'lr-change@5',
      'stop@5',
      'restore-best-weights@5',
    ]);
    expect(state.restoredFrom).toBe(2);
    expect(state.live.size).toBe(0);
  });

  it('stops within an epoch on a NaN batch loss', () => {
    const list = CallbackList.fromConfigs([{ name: 'TerminateOnNaN' }], fakeHandle().handle, {
      initialLr: 1,
    });
    list.trainBegin();
    list.batchEnd(1, 10, { loss: 0.3 });
    expect(list.stopTraining).toBe(false);
    list.batchEnd(1, 20, { loss: Number.NaN });
    expect(list.stopTraining).toBe(true);
  });

  it('restores real tfjs weights through the tfjs handle and leaks no snapshot', () => {
    const input = tf.input({ shape: [2] });
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor,
    });
    const optimizer = makeOptimizer({ name: 'sgd', learning_rate: 0.5 });
    const handle = tfjsHandle(model, optimizer);
    const list = CallbackList.fromConfigs(
      [
        { name: 'EarlyStopping', monitor: 'loss', patience: 1, restore_best_weights: true },
        { name: 'ReduceLROnPlateau', monitor: 'loss', patience: 1 },
      ],
      handle,
      { initialLr: 0.5 },
    );
    const x = tf.tensor2d([[1, 2]]);
    const read = () => model.getWeights().map((w) => Array.from(w.dataSync()));
    list.trainBegin();
    list.epochEnd(1, { loss: 0.5 });
    const best = read();
    optimizer.minimize(() => tf.sum(model.apply(x) as tf.Tensor) as tf.Scalar);
    expect(read()).not.toEqual(best);
    list.epochEnd(2, { loss: 0.6 });
    expect(list.stopTraining).toBe(true);
    expect(optimizer.learningRate).toBeCloseTo(0.05, 12);
    list.trainEnd();
    expect(read()).toEqual(best);
    optimizer.dispose();
    model.dispose();
    x.dispose();
  });
});
