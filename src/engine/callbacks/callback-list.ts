import type { CallbackConfig } from '../../experiment/spec';
import { epochScheduleFunction } from '../compile/schedules';
import { EarlyStopping } from './early-stopping';
import { ModelCheckpoint } from './model-checkpoint';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau';
import { LearningRateScheduler, TerminateOnNaN } from './terminate-and-schedule';
import type { Callback, CallbackEvent, Logs, SaveRequest, TrainingHandle } from './types';

/**
 * Runs a list of callbacks the way Keras's CallbackList and `fit` do, and gathers what they did.
 *
 * Integration — the loop calls, in this order:
 *   const callbacks = CallbackList.fromConfigs(resolveFit(spec).callbacks, handle, { initialLr, directions });
 *   callbacks.trainBegin();
 *   per epoch:  events = callbacks.epochBegin(epoch)                    // LearningRateScheduler
 *               per readback: events = callbacks.batchEnd(epoch, step, { loss: runningMean })
 *                             if (callbacks.stopTraining) break out of the batch loop (still end the epoch)
 *               const r = callbacks.epochEnd(epoch, logs)               // after validation
 *               store each r.saves (see tfjs-handle.ts `saveCheckpoint`); history.push(r.logs)
 *               if (callbacks.stopTraining) stop after this epoch
 *   finally:    events = callbacks.trainEnd()                          // EarlyStopping restores weights here
 * Every returned event goes to the UI (a TrainEvent carrying it), which marks it on the loss chart.
 */
export interface CallbackOptions {
  /** The optimizer's rate when training starts: LearningRateScheduler's configs are absolute in it. */
  initialLr: number;
  /** Metric directions by log name (StreamingMetric.direction), for `auto` monitor modes. */
  directions?: Record<string, 'up' | 'down'>;
}

export function callbackFromConfig(config: CallbackConfig, options: CallbackOptions): Callback {
  const { directions } = options;
  switch (config.name) {
    case 'EarlyStopping':
      return new EarlyStopping({ ...withoutName(config), directions });
    case 'ModelCheckpoint':
      return new ModelCheckpoint({ ...withoutName(config), directions });
    case 'ReduceLROnPlateau':
      return new ReduceLROnPlateau({ ...withoutName(config), directions });
    case 'TerminateOnNaN':
      return new TerminateOnNaN();
    case 'LearningRateScheduler':
      return new LearningRateScheduler(epochScheduleFunction(config.schedule, options.initialLr));
  }
}

function withoutName<T extends { name: string }>(config: T): Omit<T, 'name'> {
  const { name: _name, ...rest } = config;
  return rest;
}

export interface EpochEndResult {
  /** The logs as Keras's History would record them (with `learning_rate` when a callback manages it). */
  logs: Logs;
  events: CallbackEvent[];
  saves: SaveRequest[];
}

export class CallbackList {
  /** Set when a callback asked to stop (Keras's `model.stop_training`). */
  stopTraining = false;
  /** Everything emitted so far, in order, for a run summary or a chart redrawn from scratch. */
  readonly history: CallbackEvent[] = [];

  constructor(
    readonly callbacks: Callback[],
    private readonly handle: TrainingHandle,
  ) {}

  static fromConfigs(
    configs: CallbackConfig[],
    handle: TrainingHandle,
    options: CallbackOptions,
  ): CallbackList {
    return new CallbackList(
      configs.map((c) => callbackFromConfig(c, options)),
      handle,
    );
  }

  private record(events: CallbackEvent[]): CallbackEvent[] {
    if (events.some((e) => e.type === 'stop')) this.stopTraining = true;
    this.history.push(...events);
    return events;
  }

  trainBegin(): void {
    this.stopTraining = false;
    for (const cb of this.callbacks) cb.onTrainBegin?.(this.handle);
  }

  epochBegin(epoch: number): CallbackEvent[] {
    return this.record(this.callbacks.flatMap((cb) => cb.onEpochBegin?.(epoch, this.handle) ?? []));
  }

  batchEnd(epoch: number, batch: number, logs: Logs): CallbackEvent[] {
    return this.record(this.callbacks.flatMap((cb) => cb.onBatchEnd?.(epoch, batch, logs) ?? []));
  }

  epochEnd(epoch: number, logs: Logs): EpochEndResult {
    const managesLr = this.callbacks.some(
      (cb) => cb.name === 'ReduceLROnPlateau' || cb.name === 'LearningRateScheduler',
    );
    // Keras records the rate the epoch trained with, before ReduceLROnPlateau changes it for the next one.
    const epochLogs: Logs = managesLr ? { ...logs, learning_rate: this.handle.getLearningRate() } : logs;
    const events: CallbackEvent[] = [];
    const saves: SaveRequest[] = [];
    for (const cb of this.callbacks) {
      const result = cb.onEpochEnd?.(epoch, epochLogs, this.handle);
      if (!result) continue;
      events.push(...result.events);
      saves.push(...result.saves);
    }
    return { logs: epochLogs, events: this.record(events), saves };
  }

  trainEnd(): CallbackEvent[] {
    return this.record(this.callbacks.flatMap((cb) => cb.onTrainEnd?.(this.handle) ?? []));
  }
}
