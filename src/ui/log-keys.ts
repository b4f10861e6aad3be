import type { EpochLogs } from '../experiment/protocol';

/**
 * The quantities an epoch history carries, each with its training and validation key, in the order Keras
 * logs them: `loss` first, then each output's loss, then the metrics. `learning_rate` is a setting, not a
 * quantity trained for, so it is not one of them.
 */
export interface LoggedQuantity {
  /** The training key, e.g. `accuracy`, `out_a_loss`. */
  key: string;
  /** The validation key (`val_` + key). */
  valKey: string;
  label: string;
  /** Rates in [0, 1] (accuracies, precision, recall) show as percentages on a 0–100% axis. */
  rate: boolean;
}

const RATE = /(accuracy|precision|recall)$/;

const LABELS: Record<string, string> = {
  loss: 'Loss',
  accuracy: 'Accuracy',
  binary_accuracy: 'Binary accuracy',
  categorical_accuracy: 'Categorical accuracy',
  sparse_categorical_accuracy: 'Sparse categorical accuracy',
  top_k_categorical_accuracy: 'Top-k accuracy',
  precision: 'Precision',
  recall: 'Recall',
  mae: 'Mean absolute error',
  mean_absolute_error: 'Mean absolute error',
};

/** `accuracy` → "Accuracy"; `out_a_loss` → "out_a loss" (an output's name is kept as written). */
export function quantityLabel(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const suffix = Object.keys(LABELS).find((name) => key.endsWith(`_${name}`));
  if (!suffix) return key;
  return `${key.slice(0, -suffix.length - 1)} ${LABELS[suffix].toLowerCase()}`;
}

export function loggedQuantities(history: EpochLogs[]): LoggedQuantity[] {
  const keys = new Set<string>();
  for (const logs of history) {
    for (const [key, value] of Object.entries(logs)) {
      if (value === undefined || key === 'learning_rate') continue;
      keys.add(key.startsWith('val_') ? key.slice(4) : key);
    }
  }
  const ordered = [...keys].sort((a, b) => rank(a) - rank(b));
  return ordered.map((key) => ({
    key,
    valKey: `val_${key}`,
    label: quantityLabel(key),
    rate: RATE.test(key),
  }));
}

/** loss, then the outputs' losses, then the metrics; insertion order within each group. */
function rank(key: string): number {
  if (key === 'loss') return 0;
  return key.endsWith('_loss') ? 1 : 2;
}
