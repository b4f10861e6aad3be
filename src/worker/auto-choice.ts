import type { ExperimentSpec } from '../experiment/spec';
import type { BackendReport } from '../experiment/protocol';
import type { Dataset } from '../data/types';
import { autoPickKey, autoSelectBackend } from '../engine/auto-backend';
import { selectBackend, tryBackend } from '../engine/backend';

/** The last auto pick and what it measured: the same model and batch size is not timed again. */
let last: { key: string; report: BackendReport } | null = null;

/**
 * The worker's side of the `auto` backend: measures this experiment's training step on every backend (or
 * reuses the pick for an unchanged model) and leaves the fastest current. A model that cannot even build gets
 * WebGPU-first selection instead, so the session reports the real problem with the graph.
 */
export async function autoChoice(spec: ExperimentSpec, dataset: Dataset): Promise<BackendReport> {
  const key = autoPickKey(spec);
  if (last?.key === key && (await tryBackend(last.report.backend)).ok) return last.report;
  try {
    const report = await autoSelectBackend(spec, dataset);
    last = { key, report };
    return report;
  } catch {
    last = null;
    return selectBackend('auto');
  }
}
