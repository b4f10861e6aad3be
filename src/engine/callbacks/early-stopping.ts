import type { MonitorMode } from '../../experiment/spec';
import { isImprovement, monitorDirection, type Direction } from './monitor';
import {
  NO_RESULT,
  type Callback,
  type CallbackEvent,
  type HookResult,
  type Logs,
  type TrainingHandle,
} from './types';

/**
 * Keras 3's EarlyStopping (keras/src/callbacks/early_stopping.py), argument for argument:
 * - `wait` is incremented on *every* monitored epoch and reset to 0 on an improvement — but only when the
 *   value also beats `baseline` (an improvement over the best that is still worse than the baseline updates
 *   `best` and the best weights, and keeps counting). An improvement returns before the patience check, so
 *   values that keep improving while staying below the baseline never stop training — Keras's behaviour too;
 * - the first monitored value is always an improvement (best starts as None);
 * - training stops when `wait >= patience` and it is not Keras's epoch 0, so patience=0 stops at the first
 *   epoch after the first that fails to improve;
 * - epochs before `start_from_epoch` (Keras's 0-based index) are not monitored at all;
 * - with `restore_best_weights`, the weights of the best epoch are restored at the end of training — whether
 *   or not it stopped early — and the first monitored epoch's weights are the best until beaten;
 * - a missing monitor key warns and skips the epoch.
 */
export interface EarlyStoppingArgs {
  monitor?: string;
  min_delta?: number;
  patience?: number;
  mode?: MonitorMode;
  baseline?: number | null;
  restore_best_weights?: boolean;
  start_from_epoch?: number;
  /** Metric directions of this run for `auto` mode (StreamingMetric.direction by name). */
  directions?: Record<string, 'up' | 'down'>;
}

export class EarlyStopping implements Callback {
  readonly name = 'EarlyStopping' as const;
  readonly monitor: string;
  private readonly minDelta: number;
  private readonly patience: number;
  private readonly baseline: number | null;
  private readonly restoreBest: boolean;
  private readonly startFromEpoch: number;
  private readonly direction: Direction;
  wait = 0;
  best: number | null = null;
  /** Kiln epoch (from 1) of the best value; 0 before any. */
  bestEpoch = 0;
  /** Kiln epoch at which training was stopped; 0 when it was not. */
  stoppedEpoch = 0;
  private bestWeights: unknown = null;

  constructor(args: EarlyStoppingArgs = {}) {
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.min_delta ?? 0);
    this.patience = args.patience ?? 0;
    this.baseline = args.baseline ?? null;
    this.restoreBest = args.restore_best_weights ?? false;
    this.startFromEpoch = args.start_from_epoch ?? 0;
    this.direction = monitorDirection(this.monitor, args.mode ?? 'auto', args.directions);
  }

  /** Keras's on_train_begin resets everything, so an instance can be reused for another fit. */
  onTrainBegin(handle: TrainingHandle): void {
    this.releaseBest(handle);
    this.wait = 0;
    this.best = null;
    this.bestEpoch = 0;
    this.stoppedEpoch = 0;
  }

  onEpochEnd(epoch: number, logs: Logs, handle: TrainingHandle): HookResult {
    const current = logs[this.monitor];
    const kerasEpoch = epoch - 1;
    if (current === undefined) {
      const message =
        `Early stopping conditioned on metric \`${this.monitor}\` which is not available. ` +
        `Available metrics are: ${Object.keys(logs).join(',')}`;
      return { events: [{ type: 'warning', callback: this.name, epoch, message }], saves: [] };
    }
    if (kerasEpoch < this.startFromEpoch) return NO_RESULT;

    if (this.restoreBest && this.bestWeights === null) {
      this.bestWeights = handle.snapshotWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (isImprovement(current, this.best, this.direction, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBest) {
        this.releaseBest(handle);
        this.bestWeights = handle.snapshotWeights();
      }
      if (this.baseline === null || isImprovement(current, this.baseline, this.direction, this.minDelta)) {
        this.wait = 0;
      }
      return NO_RESULT;
    }
    if (this.wait >= this.patience && kerasEpoch > 0) {
      this.stoppedEpoch = epoch;
      const reason =
        `${this.monitor} did not improve on ${formatValue(this.best)} for ${this.wait} epoch` +
        `${this.wait === 1 ? '' : 's'} (patience ${this.patience})` +
        (this.baseline !== null && this.wait > 0 ? ` or did not beat the baseline ${this.baseline}` : '');
      return { events: [{ type: 'stop', callback: this.name, epoch, reason }], saves: [] };
    }
    return NO_RESULT;
  }

  /** Restores the best weights when asked to, at the end of training as Keras does. */
  onTrainEnd(handle: TrainingHandle): CallbackEvent[] {
    if (!this.restoreBest || this.bestWeights === null) return [];
    handle.restoreWeights(this.bestWeights);
    this.releaseBest(handle);
    const epoch = this.stoppedEpoch || this.bestEpoch;
    return [
      {
        type: 'restore-best-weights',
        callback: this.name,
        epoch,
        bestEpoch: this.bestEpoch,
        value: this.best ?? Number.NaN,
      },
    ];
  }

  private releaseBest(handle: TrainingHandle): void {
    if (this.bestWeights !== null) handle.releaseWeights(this.bestWeights);
    this.bestWeights = null;
  }
}

function formatValue(value: number | null): string {
  return value === null ? 'None' : value.toPrecision(5);
}
