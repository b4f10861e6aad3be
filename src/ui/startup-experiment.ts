import { defaultExperiment } from '../experiment/defaults';
import type { ExperimentSpec } from '../experiment/spec';
import { newExperimentId, storageProblem, type ExperimentLibrary } from '../persistence/experiment-library';
import { experimentFromUrl } from './experiments';
import type { OpenedExperiment } from './saved-models.svelte';

export interface Startup {
  spec: ExperimentSpec;
  opened: OpenedExperiment;
}

/** How long the first page waits for IndexedDB before opening the default (a blocked database never answers). */
const READ_TIMEOUT_MS = 3000;

/**
 * The experiment the page opens with. Priority: a share link in the URL fragment (read elsewhere; this never
 * touches the fragment) > `?experiment=…` (tests and demos get exactly that) > the experiment edited last >
 * the default. A URL or default experiment is a new, unstored one: it is saved once it is edited.
 */
export async function startupExperiment(search: string, library: ExperimentLibrary): Promise<Startup> {
  const fresh = (spec: ExperimentSpec, notice: string | null): Startup => ({
    spec,
    opened: { id: newExperimentId(), stored: false, notice },
  });
  if (new URLSearchParams(search).has('experiment')) return fresh(experimentFromUrl(search), null);
  try {
    const last = await withTimeout(library.loadLast(), READ_TIMEOUT_MS);
    if (last?.ok) return { spec: last.spec, opened: { id: last.id, stored: true, notice: null } };
    return fresh(defaultExperiment(), last ? `${last.reason} Kiln opened the default model instead.` : null);
  } catch (error) {
    return fresh(
      defaultExperiment(),
      `Saved models are unavailable: ${storageProblem(error)}. Editing works, but changes are not saved.`,
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from IndexedDB within ${ms / 1000} s`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}
