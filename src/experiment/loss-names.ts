import { LOSS_NAMES, type KerasLossName } from './spec';

/** Keras's short names for losses a graph head may carry. */
const LOSS_ALIASES: Record<string, KerasLossName> = { mse: 'mean_squared_error', mae: 'mean_absolute_error' };

/** The Keras loss a name stands for (its full name or a short alias), or null when Keras has no such loss. */
export function lossNameOf(name: string): KerasLossName | null {
  if ((LOSS_NAMES as readonly string[]).includes(name)) return name as KerasLossName;
  return LOSS_ALIASES[name] ?? null;
}
