import { describe, expect, it } from 'vitest';
import { blobsExperiment, defaultExperiment } from './defaults';
import { parseExperiment } from './spec';

describe('experiment defaults', () => {
  it('are valid specs', () => {
    for (const spec of [defaultExperiment(), blobsExperiment()]) {
      expect(parseExperiment(spec)).toEqual({ ok: true, spec });
    }
  });

  it('match what the app and the browser tests rely on', () => {
    expect(defaultExperiment()).toMatchObject({
      data: { dataset: 'mnist', samples: 2000, validationSplit: 0.1 },
      compile: { optimizer: 'adam', learningRate: 0.001, loss: 'categorical_crossentropy' },
      fit: { epochs: 5, batchSize: 64, shuffle: true, readbackEvery: 10 },
      backend: 'webgpu',
      seed: 42,
    });
    expect(blobsExperiment()).toMatchObject({
      data: { dataset: 'blobs', samples: 256 },
      compile: { learningRate: 0.05 },
      fit: { epochs: 3, batchSize: 32 },
    });
  });
});
