import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../data/blobs';
import type { TrainEvent } from '../experiment/protocol';
import { openSession } from './run-experiment';
import type { TrainingSession } from './session';
import { blobsSpec, dropoutGraph, useCpuWithoutLeaks, recorder } from './testing';

useCpuWithoutLeaks();

const blobs = makeBlobs(256, 3);
/** 192 training samples in batches of 32: 6 steps an epoch, 18 in the run. */
function spec(seed = 7) {
  const s = blobsSpec({ epochs: 3, batchSize: 32, readbackEvery: 4 }, seed);
  s.graph = dropoutGraph();
  return s;
}

function open(seed = 7): TrainingSession {
  const opened = openSession(spec(seed), blobs);
  if (!opened.session) throw new Error(opened.failure.message);
  return opened.session;
}

const never = () => false;

/** Asks to pause when the loop has taken `steps` steps in this call (it asks once per step boundary). */
function pauseAfter(steps: number): () => boolean {
  let asked = 0;
  return () => asked++ >= steps;
}

async function uninterrupted(seed = 7) {
  const session = open(seed);
  try {
    return await session.run(() => {}, never);
  } finally {
    session.dispose();
  }
}

describe('pause and resume', () => {
  it('a run paused mid-epoch and at an epoch boundary, then resumed, gives exactly the uninterrupted losses', async () => {
    const reference = await uninterrupted();
    expect(reference.status).toBe('finished');

    const session = open();
    try {
      const first = await session.run(() => {}, never, { shouldPause: pauseAfter(8) });
      expect(first).toMatchObject({
        status: 'paused',
        resumable: true,
        paused: { epoch: 2, step: 2, stepsPerEpoch: 6 },
      });
      expect(first.history).toHaveLength(1);
      // Four more steps end epoch 2: the pause lands at the start of epoch 3, its order already drawn.
      const second = await session.run(() => {}, never, { shouldPause: pauseAfter(4) });
      expect(second.paused).toMatchObject({ epoch: 3, step: 0 });
      expect(second.history).toHaveLength(2);
      const last = await session.run(() => {}, never);
      expect(last.status).toBe('finished');
      expect(last.history).toEqual(reference.history);
      expect(last.stats?.steps).toBe(reference.stats?.steps);
    } finally {
      session.dispose();
    }
  });

  it('the same seed trains to the same losses, and another seed (other dropout masks) does not', async () => {
    const a = await uninterrupted(7);
    const b = await uninterrupted(7);
    const c = await uninterrupted(8);
    expect(b.history).toEqual(a.history);
    expect(c.history.map((e) => e.loss)).not.toEqual(a.history.map((e) => e.loss));
  });

  it('a pause asked before the first step parks the run with nothing trained', async () => {
    const session = open();
    try {
      const outcome = await session.run(() => {}, never, { shouldPause: () => true });
      expect(outcome).toMatchObject({ status: 'paused', paused: { epoch: 1, step: 0 }, history: [] });
      expect(outcome.stats?.steps).toBe(0);
    } finally {
      session.dispose();
    }
  });
});

describe('single step', () => {
  it('trains one batch, reports that batch’s loss, and stepping through matches the uninterrupted run', async () => {
    // The first progress event of a run that reads back every step carries the first batch's loss.
    const readEveryStep = openSession(
      { ...spec(), fit: { ...spec().fit, readbackEvery: 1 } },
      blobs,
    ).session!;
    const { events, onEvent } = recorder();
    await readEveryStep.run(onEvent, never, { steps: 1 }).finally(() => readEveryStep.dispose());
    const firstProgress = events.find(
      (e): e is Extract<TrainEvent, { type: 'progress' }> => e.type === 'progress',
    );

    const reference = await uninterrupted();
    const session = open();
    try {
      const one = await session.run(() => {}, never, { steps: 1 });
      expect(one).toMatchObject({ status: 'paused', paused: { epoch: 1, step: 1, stepsPerEpoch: 6 } });
      expect(one.stats?.steps).toBe(1);
      expect(one.paused?.batchLoss).toBe(firstProgress?.loss);
      // Six more single steps cross into epoch 2; each reports its own batch.
      for (let i = 0; i < 6; i++) {
        const step = await session.run(() => {}, never, { steps: 1 });
        expect(Number.isFinite(step.paused?.batchLoss)).toBe(true);
      }
      const now = await session.run(() => {}, never, { steps: 0 });
      expect(now.paused).toMatchObject({ epoch: 2, step: 1 });
      expect(now.history).toHaveLength(1);
      const rest = await session.run(() => {}, never);
      expect(rest.history).toEqual(reference.history);
    } finally {
      session.dispose();
    }
  });
});

describe('stop from a paused run', () => {
  it('keeps the history and releases every tensor when the session is disposed', async () => {
    const before = tf.memory().numTensors;
    const session = open();
    const outcome = await session.run(() => {}, never, { shouldPause: pauseAfter(7) });
    expect(outcome.history).toHaveLength(1);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
