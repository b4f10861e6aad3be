import { describe, expect, it } from 'vitest';
import { blobsExperiment } from '../experiment/defaults';
import { applyPatch, patchBetween } from './settings-patch';

describe('settings patches', () => {
  it('applies every patchable field and leaves the rest alone', () => {
    const spec = blobsExperiment();
    const next = applyPatch(spec, {
      batchSize: 16,
      budgetMB: 2,
      optimizer: 'sgd',
      allocation: 'reserve',
      ignoreEstimate: true,
    });
    expect(next.fit).toEqual({ ...spec.fit, batchSize: 16 });
    expect(next.compile).toEqual({ ...spec.compile, optimizer: 'sgd' });
    expect(next.memory).toEqual({ budgetMB: 2, allocation: 'reserve', ignoreEstimate: true });
    expect(next.graph).toBe(spec.graph);
    expect(spec.fit.batchSize).toBe(32);
  });

  it('finds the patch between two specs that differ only in patchable settings', () => {
    const spec = blobsExperiment();
    expect(patchBetween(spec, structuredClone(spec))).toEqual({});
    const to = applyPatch(spec, { batchSize: 45, budgetMB: 0.5 });
    // Key order does not matter.
    const { epochs, ...rest } = to.fit;
    const reordered = { ...to, fit: { ...rest, epochs } };
    expect(patchBetween(spec, reordered)).toEqual({ batchSize: 45, budgetMB: 0.5 });
  });

  it('refuses when something a patch cannot change differs', () => {
    const spec = blobsExperiment();
    expect(patchBetween(spec, { ...spec, fit: { ...spec.fit, epochs: 9 } })).toBeNull();
    expect(patchBetween(spec, { ...spec, graph: { nodes: [], edges: [] } })).toBeNull();
    expect(patchBetween(spec, { ...spec, compile: { ...spec.compile, learningRate: 1 } })).toBeNull();
  });
});
