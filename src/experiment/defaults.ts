import { blobsMlpGraph, mnistMlpGraph } from '../graph/templates';
import { DEFAULT_MEMORY, EXPERIMENT_VERSION, type ExperimentSpec } from './spec';

/** What a first visit trains: an MLP on 2,000 MNIST digits, small enough to finish in seconds on a laptop. */
export function defaultExperiment(): ExperimentSpec {
  return {
    version: EXPERIMENT_VERSION,
    name: 'MNIST MLP',
    graph: mnistMlpGraph(),
    data: { dataset: 'mnist', samples: 2000, validationSplit: 0.1 },
    compile: { optimizer: 'adam', learningRate: 0.001, loss: 'categorical_crossentropy' },
    fit: { epochs: 5, batchSize: 64, shuffle: true, readbackEvery: 10 },
    memory: { ...DEFAULT_MEMORY },
    backend: 'webgpu',
    seed: 42,
  };
}

/** A run that finishes in well under a second on any backend: for browser tests and quick demos. */
export function blobsExperiment(): ExperimentSpec {
  return {
    version: EXPERIMENT_VERSION,
    name: 'Blobs MLP',
    graph: blobsMlpGraph(),
    data: { dataset: 'blobs', samples: 256, validationSplit: 0.1 },
    compile: { optimizer: 'adam', learningRate: 0.05, loss: 'categorical_crossentropy' },
    fit: { epochs: 3, batchSize: 32, shuffle: true, readbackEvery: 10 },
    memory: { ...DEFAULT_MEMORY },
    backend: 'webgpu',
    seed: 42,
  };
}
