import type { MonitorMode } from '../../experiment/spec';

/**
 * Which way a monitored quantity should go, as Keras 3's MonitorCallback/EarlyStopping `_set_monitor_op`
 * decides it: `min`/`max` as given; in `auto`, a name that is `loss` after removing `val_` is minimised,
 * and a compiled metric goes the way of its `_direction` (accuracies, precision, recall up; errors down).
 * Anything else raises in Keras ("isn't able to automatically determine…"), so it throws here too.
 * EarlyStopping, ModelCheckpoint and ReduceLROnPlateau (a MonitorCallback since Keras 3.6) all use it; the
 * run's metric directions come from its step objective (../objective.ts `directions`).
 */
const UP = [
  'accuracy',
  'acc',
  'binary_accuracy',
  'categorical_accuracy',
  'sparse_categorical_accuracy',
  'top_k_categorical_accuracy',
  'precision',
  'recall',
];
const DOWN = ['loss', 'mean_absolute_error', 'mae', 'mean_squared_error', 'mse'];

export type Direction = 'min' | 'max';

export function monitorDirection(
  monitor: string,
  mode: MonitorMode,
  /** Extra metric directions known to the run, e.g. from StreamingMetric.direction, by log name. */
  known: Record<string, 'up' | 'down'> = {},
): Direction {
  if (mode !== 'auto') return mode;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (known[name]) return known[name] === 'up' ? 'max' : 'min';
  // A second output's metrics are prefixed with the output's name (`<output>_accuracy`, `<output>_loss`).
  if (DOWN.some((d) => name === d || name.endsWith(`_${d}`))) return 'min';
  if (UP.some((u) => name === u || name.endsWith(`_${u}`))) return 'max';
  throw new Error(
    `Callback received monitor=${monitor}, but it is not possible to determine automatically whether that ` +
      `metric should be maximized or minimized. Pass mode='max' or mode='min'.`,
  );
}

/**
 * Keras's `_is_improvement(current, reference)`: `monitor_op(current − min_delta, reference)` with min_delta
 * made negative in min mode — i.e. strictly better by more than |min_delta|. A null reference (nothing seen
 * yet) is always beaten.
 */
export function isImprovement(
  current: number,
  reference: number | null,
  direction: Direction,
  minDelta: number,
): boolean {
  if (reference === null) return true;
  const delta = Math.abs(minDelta);
  return direction === 'min' ? current + delta < reference : current - delta > reference;
}
