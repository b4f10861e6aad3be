import type { Callback, CallbackEvent, Logs, TrainingHandle } from './types';

/**
 * Keras 3's TerminateOnNaN (keras/src/callbacks/terminate_on_nan.py): when a batch's `loss` log is NaN or
 * ±Infinity, training stops (gracefully: `stop_training`, so the other callbacks still see on_train_end).
 * Keras's batch log is the epoch's running mean, so a NaN in any batch shows in every later one; Kiln's loop
 * has the value only at readbacks (every `fit.readbackEvery` steps) and at the epoch's end, so it detects the
 * same NaN up to readbackEvery − 1 steps later. The epoch-end loss is checked too.
 */
export class TerminateOnNaN implements Callback {
  readonly name = 'TerminateOnNaN' as const;
  private stopped = false;

  onTrainBegin(): void {
    this.stopped = false;
  }

  onBatchEnd(epoch: number, batch: number, logs: Logs): CallbackEvent[] {
    return this.check(epoch, logs, batch);
  }

  onEpochEnd(epoch: number, logs: Logs) {
    return { events: this.check(epoch, logs), saves: [] };
  }

  private check(epoch: number, logs: Logs, batch?: number): CallbackEvent[] {
    const loss = logs.loss;
    if (this.stopped || loss === undefined || Number.isFinite(loss)) return [];
    this.stopped = true;
    const where = batch === undefined ? `epoch ${epoch}` : `batch ${batch}`;
    return [
      {
        type: 'stop',
        callback: this.name,
        epoch,
        ...(batch === undefined ? {} : { batch }),
        reason: `Invalid loss (${loss}) at ${where}, terminating training.`,
      },
    ];
  }
}

/**
 * Keras 3's LearningRateScheduler (keras/src/callbacks/learning_rate_scheduler.py): at the start of every
 * epoch it calls `schedule(epoch, lr)` with Keras's 0-based epoch and the current rate, and sets the result.
 * A non-finite or negative result is refused, as Keras refuses a non-float. An lr-change event is emitted only
 * when the rate actually changes, so the chart is not littered with no-op marks.
 */
export class LearningRateScheduler implements Callback {
  readonly name = 'LearningRateScheduler' as const;

  constructor(private readonly schedule: (epoch: number, lr: number) => number) {}

  onEpochBegin(epoch: number, handle: TrainingHandle): CallbackEvent[] {
    const oldLr = handle.getLearningRate();
    const newLr = this.schedule(epoch - 1, oldLr);
    if (typeof newLr !== 'number' || !Number.isFinite(newLr) || newLr < 0) {
      throw new Error(`The output of the \`schedule\` function should be a float. Got: ${newLr}`);
    }
    handle.setLearningRate(newLr);
    return newLr === oldLr ? [] : [{ type: 'lr-change', callback: this.name, epoch, oldLr, newLr }];
  }
}
