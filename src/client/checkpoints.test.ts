import { describe, expect, it } from 'vitest';
import type { CheckpointView, RestoreResult, SettingsPatch } from '../experiment/protocol';
import type { ExperimentSpec } from '../experiment/spec';
import { blobsExperiment } from '../experiment/defaults';
import { Checkpoints, type CheckpointHost } from './checkpoints.svelte';

const view = (key: string, epoch: number): CheckpointView => ({
  runId: 'r1',
  experiment: 'blobs',
  key,
  epoch,
  monitor: 'loss',
  value: 0.5,
  weightsOnly: false,
  savedAt: epoch,
  bytes: 100,
});

/** A worker stand-in over a plain array: what the host does is what the test checks. */
function host(restore: (key: string) => RestoreResult) {
  const stored = [view('ckpt-2', 2), view('ckpt-1', 1)];
  const calls = { adopted: [] as ExperimentSpec[], resumed: [] as SettingsPatch[] };
  const fake: CheckpointHost & { resumable: boolean } = {
    api: {
      listCheckpoints: async () => [...stored],
      deleteCheckpoint: async (_run, key) =>
        void stored.splice(
          stored.findIndex((c) => c.key === key),
          1,
        ),
      restoreCheckpoint: async (_run, key) => restore(key),
    },
    busy: false,
    resumable: false,
    adoptRestored: (spec) => {
      calls.adopted.push(spec);
      fake.resumable = true;
    },
    resume: async (patch) => calls.resumed.push(patch),
  };
  return { fake, calls };
}

describe('Checkpoints (the panel state)', () => {
  it('lists, deletes and lists again', async () => {
    const { fake } = host(() => ({ ok: false, failure: { kind: 'spec', message: 'x', hints: [] } }));
    const checkpoints = new Checkpoints(fake);
    expect(checkpoints.loaded).toBe(false);
    await checkpoints.refresh();
    expect(checkpoints.items.map((c) => c.key)).toEqual(['ckpt-2', 'ckpt-1']);
    await checkpoints.remove(checkpoints.items[0]);
    expect(checkpoints.items.map((c) => c.key)).toEqual(['ckpt-1']);
  });

  it('a restore into a new session makes it the resumable run, and Continue resumes it as saved', async () => {
    const spec = { ...blobsExperiment(), name: 'blobs' };
    const { fake, calls } = host((key) => ({ ok: true, into: 'new', spec, key, epoch: 1 }));
    const checkpoints = new Checkpoints(fake);
    await checkpoints.refresh();
    await checkpoints.restore(checkpoints.items[1]);
    expect(calls.adopted).toEqual([spec]);
    expect(checkpoints.message).toBe(
      'Restored "ckpt-1" (epoch 1) of blobs into a new session: Continue trains it for 3 epochs with its saved settings.',
    );
    expect(checkpoints.canContinue).toBe(true);
    checkpoints.continueTraining();
    expect(calls.resumed).toEqual([{}]);
  });

  it('shows why a restore failed and changes nothing', async () => {
    const failure = { kind: 'graph' as const, message: 'does not fit', hints: ['dense/kernel …'] };
    const { fake, calls } = host(() => ({ ok: false, failure }));
    const checkpoints = new Checkpoints(fake);
    await checkpoints.refresh();
    await checkpoints.restore(checkpoints.items[0]);
    expect(checkpoints.failure).toEqual(failure);
    expect(checkpoints.message).toBeNull();
    expect(calls.adopted).toEqual([]);
    expect(checkpoints.pending).toBeNull();
  });
});
