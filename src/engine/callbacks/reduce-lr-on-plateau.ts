import type { MonitorMode } from '../../experiment/spec';
import { isImprovement, monitorDirection, type Direction } from './monitor';
import { NO_RESULT, type Callback, type HookResult, type Logs, type TrainingHandle } from './types';

/**
 * Keras 3's ReduceLROnPlateau (keras/src/callbacks/reduce_lr_on_plateau.py, a MonitorCallback since Keras 3.6;
 * before, `auto` meant max only when "acc" was in the name):
 * - `auto` mode goes the way of the monitored metric (monitor.ts: loss down, accuracies/precision/recall up,
 *   the run's metric directions first); a name it cannot place is refused;
 * - improvement in min mode is `current < best − min_delta`, in max mode `current > best + min_delta`
 *   (default 1e-4); nothing seen yet is always beaten;
 * - on each epoch with the monitored value: if in cooldown, the cooldown counter goes down by one and `wait`
 *   is reset; then an improvement resets `wait`, otherwise — only when (now) out of cooldown — `wait` grows,
 *   and reaching `patience` multiplies the rate by `factor` (not below `min_lr`, and only while the rate is
 *   above min_lr), starts the cooldown and resets `wait`;
 * - the epoch's logs gain `learning_rate` (the rate before any change made this epoch).
 */
export interface ReduceLROnPlateauArgs {
  monitor?: string;
  factor?: number;
  patience?: number;
  mode?: MonitorMode;
  min_delta?: number;
  cooldown?: number;
  min_lr?: number;
  /** Metric directions of this run for `auto` mode (StreamingMetric.direction by name). */
  directions?: Record<string, 'up' | 'down'>;
}

export class ReduceLROnPlateau implements Callback {
  readonly name = 'ReduceLROnPlateau' as const;
  readonly monitor: string;
  private readonly factor: number;
  private readonly patience: number;
  private readonly minDelta: number;
  private readonly cooldown: number;
  private readonly minLr: number;
  private readonly direction: Direction;
  wait = 0;
  cooldownCounter = 0;
  best: number | null = null;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    if (this.factor >= 1) {
      throw new Error(`ReduceLROnPlateau does not support a factor >= 1.0. Received factor=${this.factor}`);
    }
    this.patience = args.patience ?? 10;
    this.minDelta = args.min_delta ?? 1e-4;
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.min_lr ?? 0;
    this.direction = monitorDirection(this.monitor, args.mode ?? 'auto', args.directions);
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = null;
  }

  private improved(current: number): boolean {
    return isImprovement(current, this.best, this.direction, this.minDelta);
  }

  onEpochEnd(epoch: number, logs: Logs, handle: TrainingHandle): HookResult {
    const current = logs[this.monitor];
    if (current === undefined) {
      const message =
        `Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. ` +
        `Available metrics are: ${Object.keys(logs).join(',')}.`;
      return { events: [{ type: 'warning', callback: this.name, epoch, message }], saves: [] };
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.improved(current)) {
      this.best = current;
      this.wait = 0;
      return NO_RESULT;
    }
    if (this.cooldownCounter > 0) return NO_RESULT;
    this.wait += 1;
    if (this.wait < this.patience) return NO_RESULT;
    const oldLr = handle.getLearningRate();
    // Keras compares with min_lr as a float32 (`old_lr > np.float32(self.min_lr)`).
    if (!(oldLr > Math.fround(this.minLr))) return NO_RESULT;
    const newLr = Math.max(oldLr * this.factor, this.minLr);
    handle.setLearningRate(newLr);
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
    return { events: [{ type: 'lr-change', callback: this.name, epoch, oldLr, newLr }], saves: [] };
  }
}
