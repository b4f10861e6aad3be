import type { MonitorMode } from '../../experiment/spec';
import { NO_RESULT, type Callback, type HookResult, type Logs, type TrainingHandle } from './types';

/**
 * Keras 3's ReduceLROnPlateau (keras/src/callbacks/reduce_lr_on_plateau.py):
 * - `auto` mode is *min* unless "acc" appears in the monitor's name (its own rule, not MonitorCallback's);
 * - improvement in min mode is `current < best − min_delta`, in max mode `current > best + min_delta`
 *   (min_delta used as given, default 1e-4); best starts at ±∞;
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
}

export class ReduceLROnPlateau implements Callback {
  readonly name = 'ReduceLROnPlateau' as const;
  readonly monitor: string;
  private readonly factor: number;
  private readonly patience: number;
  private readonly minDelta: number;
  private readonly cooldown: number;
  private readonly minLr: number;
  private readonly maximise: boolean;
  wait = 0;
  cooldownCounter = 0;
  best: number;

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
    const mode = args.mode ?? 'auto';
    this.maximise = mode === 'max' || (mode === 'auto' && this.monitor.includes('acc'));
    this.best = this.maximise ? -Infinity : Infinity;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = this.maximise ? -Infinity : Infinity;
  }

  private improved(current: number): boolean {
    return this.maximise ? current > this.best + this.minDelta : current < this.best - this.minDelta;
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
