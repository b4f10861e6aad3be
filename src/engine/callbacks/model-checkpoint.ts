import type { MonitorMode } from '../../experiment/spec';
import { isImprovement, monitorDirection, type Direction } from './monitor';
import { NO_RESULT, type Callback, type HookResult, type Logs } from './types';

/**
 * Keras 3's ModelCheckpoint (keras/src/callbacks/model_checkpoint.py on MonitorCallback), with
 * `save_freq='epoch'`. It decides *when* to save and returns a `SaveRequest`; the loop does the saving.
 * - without `save_best_only`, every epoch saves;
 * - with it, an epoch saves only when `current` beats `best` (strictly; `best` starts at
 *   `initial_value_threshold`, else ±∞), and a missing monitor value saves anyway, as Keras warns and saves;
 * - the key is the `filepath` with Keras's placeholders filled: `{epoch}` (from 1, as Keras writes it) and
 *   any log key, with an optional format (`{epoch:02d}`, `{val_loss:.2f}`); the same key overwrites, so the
 *   default `checkpoint` keeps just the latest (or latest best) checkpoint, as a Keras filepath without
 *   placeholders does.
 * Storage: `CheckpointStore` (checkpoint-store.ts).
 */
export interface ModelCheckpointArgs {
  filepath?: string;
  monitor?: string;
  mode?: MonitorMode;
  save_best_only?: boolean;
  save_weights_only?: boolean;
  initial_value_threshold?: number | null;
  directions?: Record<string, 'up' | 'down'>;
}

export class ModelCheckpoint implements Callback {
  readonly name = 'ModelCheckpoint' as const;
  readonly monitor: string;
  readonly filepath: string;
  private readonly saveBestOnly: boolean;
  private readonly weightsOnly: boolean;
  private readonly direction: Direction;
  best: number;

  constructor(args: ModelCheckpointArgs = {}) {
    this.monitor = args.monitor ?? 'val_loss';
    this.filepath = args.filepath ?? 'checkpoint';
    this.saveBestOnly = args.save_best_only ?? false;
    this.weightsOnly = args.save_weights_only ?? false;
    this.direction = monitorDirection(this.monitor, args.mode ?? 'auto', args.directions);
    this.best = args.initial_value_threshold ?? (this.direction === 'min' ? Infinity : -Infinity);
  }

  onEpochEnd(epoch: number, logs: Logs): HookResult {
    const current = logs[this.monitor];
    const value = current ?? null;
    if (this.saveBestOnly) {
      if (current === undefined) {
        const message = `Can save best model only with ${this.monitor} available.`;
        return this.save(epoch, logs, value, [{ type: 'warning', callback: this.name, epoch, message }]);
      }
      if (!isImprovement(current, this.best, this.direction, 0)) return NO_RESULT;
      this.best = current;
    }
    return this.save(epoch, logs, value, []);
  }

  private save(epoch: number, logs: Logs, value: number | null, events: HookResult['events']): HookResult {
    const key = formatFilepath(this.filepath, epoch, logs);
    const request = { epoch, key, monitor: this.monitor, value, weightsOnly: this.weightsOnly };
    return {
      events: [...events, { type: 'checkpoint', callback: this.name, ...request }],
      saves: [request],
    };
  }
}

/**
 * Python's `str.format` for the cases Keras filepaths use: `{name}`, `{name:02d}` (zero-padded integer),
 * `{name:.4f}` (fixed decimals), `{name:.3e}`. An unknown key is an error, as Keras raises KeyError.
 */
export function formatFilepath(template: string, epoch: number, logs: Logs): string {
  const values: Record<string, number | undefined> = { ...logs, epoch };
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (_, key: string, spec: string | undefined) => {
    const value = values[key];
    if (value === undefined) {
      throw new Error(`Failed to format this callback filepath: "${template}". Reason: '${key}'`);
    }
    if (!spec) return String(value);
    const int = /^(0?)(\d*)d$/.exec(spec);
    if (int) return String(Math.trunc(value)).padStart(Number(int[2] || 0), int[1] ? '0' : ' ');
    const fixed = /^\.(\d+)f$/.exec(spec);
    if (fixed) return value.toFixed(Number(fixed[1]));
    const exp = /^\.(\d+)e$/.exec(spec);
    if (exp) return value.toExponential(Number(exp[1])).replace(/e([+-])(\d)$/, 'e$10$2');
    throw new Error(`Unsupported format "${spec}" in checkpoint filepath "${template}".`);
  });
}
