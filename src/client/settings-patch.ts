import type { ExperimentSpec } from '../experiment/spec';
import type { SettingsPatch } from '../experiment/protocol';

/**
 * The settings a remedy can change (batch size, budget, optimizer, allocation mode, ignoring the estimate),
 * applied to a spec, and the reverse: which patch turns one spec into another, if a patch can.
 */
export function applyPatch(spec: ExperimentSpec, patch: SettingsPatch): ExperimentSpec {
  return {
    ...spec,
    fit: {
      ...spec.fit,
      epochs: patch.epochs ?? spec.fit.epochs,
      batchSize: patch.batchSize ?? spec.fit.batchSize,
    },
    compile: { ...spec.compile, optimizer: patch.optimizer ?? spec.compile.optimizer },
    memory: {
      budgetMB: patch.budgetMB ?? spec.memory.budgetMB,
      allocation: patch.allocation ?? spec.memory.allocation,
      ignoreEstimate: patch.ignoreEstimate ?? spec.memory.ignoreEstimate,
    },
  };
}

/**
 * The patch that turns `from` into `to`, or null when they differ in anything a patch cannot change (the
 * graph, the data, the epochs…): an interrupted run can be resumed only with a patch.
 */
export function patchBetween(from: ExperimentSpec, to: ExperimentSpec): SettingsPatch | null {
  const patch: SettingsPatch = {};
  if (to.fit.batchSize !== from.fit.batchSize) patch.batchSize = to.fit.batchSize;
  if (to.compile.optimizer !== from.compile.optimizer) patch.optimizer = to.compile.optimizer;
  if (to.memory.budgetMB !== from.memory.budgetMB) patch.budgetMB = to.memory.budgetMB;
  if (to.memory.allocation !== from.memory.allocation) patch.allocation = to.memory.allocation;
  if (to.memory.ignoreEstimate !== from.memory.ignoreEstimate)
    patch.ignoreEstimate = to.memory.ignoreEstimate;
  return canonical(applyPatch(from, patch)) === canonical(to) ? patch : null;
}

/** JSON with object keys sorted, so two specs built in a different key order still compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
