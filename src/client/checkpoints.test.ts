import { describe, expect, it } from 'vitest';
import type { CheckpointView, RestoreResult, SettingsPatch } from '../experiment/protocol';
import type { ExperimentSpec } from '../experiment/spec';
import { blobsExperiment } from '../experiment/defaults';
import { Checkpoints, restoredMessage, type CheckpointHost } from './checkpoints.svelte';
import type { RestoredRun } from './trainer-client.svelte';

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
  const calls = { adopted: [] as RestoredRun[], resumed: [] as SettingsPatch[] };
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
    adoptRestored: (restored) => {
      calls.adopted.push(restored);
      fake.resumable = true;
      return null;
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

  it('a restore into a new session makes it the resumable run, and Continue resumes it at the next epoch', async () => {
    const spec = { ...blobsExperiment(), name: 'blobs' };
    const restored = restoredRun(spec, 1);
    const { fake, calls } = host(() => restored);
    const checkpoints = new Checkpoints(fake);
    await checkpoints.refresh();
    await checkpoints.restore(checkpoints.items[1]);
    expect(calls.adopted).toEqual([restored]);
    expect(checkpoints.message).toBe(
      'Restored "ckpt-1" (epoch 1 of 3) of blobs into a new session. Continue trains epochs 2–3 with its saved settings.',
    );
    expect(checkpoints.canContinue).toBe(true);
    checkpoints.continueTraining();
    expect(calls.resumed).toEqual([{}]);
  });

  it('a restore of the last epoch says there is nothing left to train, and Continue stays off', async () => {
    const spec = { ...blobsExperiment(), name: 'blobs' };
    const { fake, calls } = host(() => restoredRun(spec, 3));
    const checkpoints = new Checkpoints(fake);
    await checkpoints.refresh();
    await checkpoints.restore(checkpoints.items[0]);
    expect(checkpoints.message).toMatch(/\(epoch 3 of 3\).*nothing left to train/);
    expect(checkpoints.canContinue).toBe(false);
    checkpoints.continueTraining();
    expect(calls.resumed).toEqual([]);
  });

  it('a device refusal of the restored session is the failure shown, with no message', async () => {
    const spec = { ...blobsExperiment(), name: 'blobs' };
    const { fake } = host(() => restoredRun(spec, 1));
    const refusal = { kind: 'resource-exhausted' as const, message: 'OOM when reserving', hints: [] };
    fake.adoptRestored = () => refusal;
    const checkpoints = new Checkpoints(fake);
    await checkpoints.refresh();
    await checkpoints.restore(checkpoints.items[1]);
    expect(checkpoints.failure).toBe(refusal);
    expect(checkpoints.message).toBeNull();
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

describe('restoredMessage', () => {
  const spec = { ...blobsExperiment(), name: 'blobs', fit: { ...blobsExperiment().fit, epochs: 10 } };

  it('names where the run goes back to and the epochs Continue trains, as Keras counts them', () => {
    const parked = { ...restoredRun(spec, 5), into: 'parked' as const };
    expect(restoredMessage(parked)).toBe(
      'Loaded "ckpt-5" (epoch 5 of 10) of blobs into the interrupted run, which goes back to the end of epoch 5. Continue trains epochs 6–10 with its saved settings.',
    );
    expect(restoredMessage(restoredRun(spec, 9))).toMatch(/Continue trains epoch 10 with/);
  });

  it('says when a checkpoint from an earlier Kiln has no epoch history', () => {
    const old = { ...restoredRun(spec, 4), historySaved: false };
    expect(restoredMessage(old)).toBe(
      'Restored "ckpt-4" (epoch 4 of 10) of blobs into a new session. It was saved by an earlier version of Kiln without its epoch history, so epochs 1–4 show no values. Continue trains epochs 5–10 with its saved settings.',
    );
  });
});

function restoredRun(spec: ExperimentSpec, epoch: number): RestoredRun {
  const history = Array.from({ length: epoch }, (_, i) => ({ loss: 1 / (i + 1) }));
  return {
    ok: true,
    into: 'new',
    spec,
    key: `ckpt-${epoch}`,
    epoch,
    history,
    historySaved: true,
    paused: { epoch: epoch + 1, step: 0, stepsPerEpoch: 6 },
    residentBytes: 1,
  };
}
