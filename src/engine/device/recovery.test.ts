import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../../data/blobs';
import { buildModel } from '../build-model';
import { TrainingSession } from '../session';
import { blobsSpec, useCpuWithoutLeaks } from '../testing';
import type { GpuErrorRecord } from './device-failure';
import type { DeviceGuard } from './guard';

/**
 * The recovery path of a lost device, on the CPU backend: a fake guard reports the loss at a chosen check, as
 * the WebGPU guard would, and the session must roll back to its last verified copy and finish on resume.
 * (The real device is destroyed in tests/e2e/device-lost.spec.ts.)
 */
useCpuWithoutLeaks();

const LOST: GpuErrorRecord = {
  cause: 'lost',
  reason: 'destroyed',
  message: 'Device destroyed.',
  source: 'lost',
};

/** A guard whose `verify` number `failAt` (counting over the whole session) reports a lost device. */
function guardFailingAt(failAt: number): { guard: DeviceGuard; opened: () => number } {
  let checks = 0;
  let opened = 0;
  let open = 0;
  return {
    guard: {
      open: () => {
        opened++;
        open++;
      },
      close: () => {
        open--;
        if (open !== 0) throw new Error('unbalanced error scopes');
      },
      verify: async () => (++checks === failAt ? LOST : null),
    },
    opened: () => opened,
  };
}

const blobs = makeBlobs(256, 3);

function session(failAt: number) {
  const { guard, opened } = guardFailingAt(failAt);
  const spec = blobsSpec({ epochs: 3, batchSize: 32, readbackEvery: 100 });
  return { session: TrainingSession.create(spec, blobs, buildModel, { guard: () => guard }), opened };
}

describe('recovery from a lost device', () => {
  it('reports device-lost at the next check, keeps the history, and resume finishes from the last copy', async () => {
    // Checks: 1 = the starting copy, 2 = epoch 1's end, 3 = epoch 2's end (lost there).
    const { session: run, opened } = session(3);
    const failed = await run.run(
      () => {},
      () => false,
    );
    expect(failed.status).toBe('failed');
    expect(failed.resumable).toBe(true);
    expect(failed.failure?.kind).toBe('device-lost');
    // Epoch 2's steps since epoch 1's copy, plus nothing else, are what a resume repeats.
    const stepsPerEpoch = Math.ceil(192 / 32);
    expect(failed.failure?.device).toMatchObject({
      cause: 'lost',
      lostReason: 'destroyed',
      stepsLost: stepsPerEpoch,
    });
    expect(failed.history).toHaveLength(1);
    // Every step and every epoch-end evaluation ran inside a guard.
    expect(opened()).toBe(2 * stepsPerEpoch + 2);

    const resumed = await run.run(
      () => {},
      () => false,
    );
    run.dispose();
    expect(resumed.status).toBe('finished');
    expect(resumed.history).toHaveLength(3);
    expect(resumed.history[0]).toEqual(failed.history[0]);
    expect(resumed.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(resumed.history[2].loss).toBeLessThan(resumed.history[0].loss);
  });

  it('puts the checkpoint’s weights back before training again', async () => {
    const { session: run } = session(3);
    await run.run(
      () => {},
      () => false,
    );
    const internals = run as unknown as {
      model: tf.LayersModel;
      state: { checkpoint: { weights: Float32Array[]; epoch: number; seen: number } };
    };
    const copy = internals.state.checkpoint.weights.map((w) => Array.from(w));
    expect(internals.state.checkpoint).toMatchObject({ epoch: 2, seen: 0 });
    // A run stopped before its first step restores and trains nothing: the weights are the copy's.
    const stopped = await run.run(
      () => {},
      () => true,
    );
    expect(stopped.status).toBe('stopped');
    const weights = internals.model.weights.map((w) => Array.from(w.read().dataSync()));
    run.dispose();
    expect(weights).toEqual(copy);
  });

  it('a run without any verified copy is not resumable', async () => {
    const { session: run } = session(1);
    const failed = await run.run(
      () => {},
      () => false,
    );
    run.dispose();
    expect(failed.failure?.kind).toBe('device-lost');
    expect(failed.resumable).toBe(false);
  });
});
