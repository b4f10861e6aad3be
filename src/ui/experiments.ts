import { blobsExperiment, defaultExperiment } from '../experiment/defaults';
import { smallCnnGraph } from '../graph/templates';
import type { ExperimentSpec } from '../experiment/spec';
import { scaleGraph } from '../graph/testing/scale';
import type { ModelGraph } from '../graph/types';
import * as ops from './graph-ops';
import { TEMPLATE_ITEMS } from './editor-state.svelte';

/**
 * The experiments a URL can open with `?experiment=…`. `blobs` is tiny and fast for browser tests; `blobs-wide`
 * is the same problem through a Dense 256 hidden layer, whose activations grow with the batch size, so a
 * budget under 1 MB refuses a batch of 128 while a smaller batch fits. `scale200` is a 200-layer graph for the
 * editor-scale bench (drag frame times); it is for editing, not training. `mnist-cnn` is the Small CNN template
 * on 96 digits for one epoch: enough to run every Conv2D kernel, forward and backward, in a browser test.
 */
export const URL_EXPERIMENTS: Record<string, () => ExperimentSpec> = {
  blobs: blobsExperiment,
  'blobs-wide': blobsWideExperiment,
  'mnist-cnn': () => ({
    ...defaultExperiment(),
    name: 'MNIST small CNN',
    graph: smallCnnGraph(),
    data: { dataset: 'mnist', samples: 96, validationSplit: 1 / 3 },
    fit: { epochs: 1, batchSize: 32, shuffle: true, readbackEvery: 10 },
  }),
  scale200: () => ({ ...blobsExperiment(), name: 'Scale 200', graph: scaleGraph(200) }),
};

export function experimentFromUrl(search: string): ExperimentSpec {
  const id = new URLSearchParams(search).get('experiment');
  const make = id !== null && Object.hasOwn(URL_EXPERIMENTS, id) ? URL_EXPERIMENTS[id] : defaultExperiment;
  return make();
}

export function blobsWideExperiment(): ExperimentSpec {
  const base = blobsExperiment();
  return { ...base, name: 'Blobs wide MLP', graph: widen(base.graph) };
}

/** Input 2 → Dense 16 → Dense 3 becomes Input 2 → Dense 256 → Dense 3: activations then grow with the batch. */
function widen(graph: ModelGraph): ModelGraph {
  const hidden = graph.nodes.find((n) => n.name === 'dense');
  if (!hidden) throw new Error('blobs-wide: the blobs template has no layer named dense');
  const edit = ops.updateConfig(graph, hidden.id, 'units', 256);
  if (!edit.ok) throw new Error(`blobs-wide: ${edit.reason}`);
  return edit.graph;
}

/**
 * A new experiment for "My models → New": the default experiment's settings around a template's graph, named
 * after the template (the Blobs template gets the blobs data and settings it was drawn for).
 */
export function experimentFromTemplate(templateId: string): ExperimentSpec | null {
  const item = TEMPLATE_ITEMS.find((t) => t.id === templateId);
  if (!item) return null;
  const base = templateId === 'blobs-mlp' ? blobsExperiment() : defaultExperiment();
  const name = templateId === 'blank' ? 'Untitled model' : item.label;
  return { ...base, name, graph: item.build() };
}
