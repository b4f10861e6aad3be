import type { ExperimentSpec } from '../experiment/spec';
import { decodeExperiment, linkPayload } from '../share/experiment-link';
import { experimentFromUrl } from './experiments';

/** Which source the first experiment came from, in the order they are tried. */
export type ExperimentSource = 'link' | 'url' | 'default';

export interface InitialExperiment {
  spec: ExperimentSpec;
  from: ExperimentSource;
  /** Why the `#x=` link in the address could not be opened; empty when there was none or it opened. */
  linkProblems: string[];
}

/**
 * The experiment the page opens with: a shared link (`#x=…`) wins over `?experiment=…`, which wins over the
 * default. A link that cannot be opened falls through to the next source and keeps its problems, so the page
 * can say why instead of opening something else in silence.
 */
export async function initialExperiment(location: {
  hash: string;
  search: string;
}): Promise<InitialExperiment> {
  const payload = linkPayload(location.hash);
  const link = payload === null ? null : await decodeExperiment(payload);
  if (link?.ok) return { spec: link.spec, from: 'link', linkProblems: [] };
  return { ...fromSearch(location.search), linkProblems: link?.problems ?? [] };
}

function fromSearch(search: string): { spec: ExperimentSpec; from: ExperimentSource } {
  const named = new URLSearchParams(search).has('experiment');
  return { spec: experimentFromUrl(search), from: named ? 'url' : 'default' };
}
