import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../data/blobs';
import type { ExperimentSpec } from '../experiment/spec';
import type { Checkpoint } from './callbacks/checkpoint-store';
import { epochsRefusal, reopenFinished } from './more-epochs';
import { openSession } from './run-experiment';
import type { TrainingSession } from './session';
import { blobsSpec, dropoutGraph, useCpuWithoutLeaks, recorder } from './testing';

useCpuWithoutLeaks();

const blobs = makeBlobs(256, 3);
const never = () => false;

/** 192 training samples in batches of 32 (6 steps an epoch), Adam, Dropout, shuffled. */
function spec(epochs: number, callbacks?: ExperimentSpec['fit']['callbacks']): ExperimentSpec {
  const s = blobsSpec({ epochs, batchSize: 32, readbackEvery: 4, ...(callbacks ? { callbacks } : {}) });
  s.graph = dropoutGraph();
  return s;
}

function open(s: ExperimentSpec): TrainingSession {
  const opened = openSession(s, blobs);
  if (!opened.session) throw new Error(opened.failure.message);
  return opened.session;
}

/** Adam's step count, as a checkpoint of the run's end stores it (the one optimizer weight without a slot). */
function stepCount(end: Checkpoint): number {
  const count = end.optimizer!.find((w) => !w.name.includes('/'))!;
  return count.data[0];
}

/** Trains `s` to its end; returns the outcome and where it ended, with the session disposed. */
async function uninterrupted(s: ExperimentSpec) {
  const session = open(s);
  try {
    const outcome = await session.run(() => {}, never);
    return { outcome, end: await session.endOfRun() };
  } finally {
    session.dispose();
  }
}

describe('train more epochs on a live session (a paused or finished run)', () => {
  it('a finished 2-epoch run trained on to 4 has exactly the losses, weights and step count of a 4-epoch run', async () => {
    const before = tf.memory().numTensors;
    const reference = await uninterrupted(spec(4));
    expect(reference.outcome.history).toHaveLength(4);

    const session = open(spec(2));
    try {
      const first = await session.run(() => {}, never);
      expect(first.status).toBe('finished');
      const firstTwo = structuredClone(first.history);
      session.apply({ epochs: 4 });
      const { events, onEvent } = recorder();
      const more = await session.run(onEvent, never);
      expect(more.status).toBe('finished');
      expect(more.history).toHaveLength(4);
      expect(more.history.slice(0, 2)).toEqual(firstTwo);
      expect(more.history).toEqual(reference.outcome.history);
      // The epoch events go on from 3, and the run announces its new total.
      expect(events.find((e) => e.type === 'started')).toMatchObject({ epochs: 4 });
      expect(events.filter((e) => e.type === 'epoch').map((e) => e.epoch)).toEqual([3, 4]);
      const end = await session.endOfRun();
      expect(stepCount(end)).toBe(24);
      expect(stepCount(end)).toBe(stepCount(reference.end));
      expect(end.weights.map((w) => Array.from(w.data))).toEqual(
        reference.end.weights.map((w) => Array.from(w.data)),
      );
    } finally {
      session.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a paused run takes a higher total with its resume patch and trains to the 4-epoch losses', async () => {
    const reference = await uninterrupted(spec(4));
    const session = open(spec(2));
    try {
      let asked = 0;
      const paused = await session.run(() => {}, never, { shouldPause: () => asked++ >= 8 });
      expect(paused.paused).toMatchObject({ epoch: 2, step: 2 });
      session.apply({ epochs: 4 });
      const rest = await session.run(() => {}, never);
      expect(rest.history).toEqual(reference.outcome.history);
    } finally {
      session.dispose();
    }
  });

  it('refuses fewer epochs than done or begun, changing nothing', async () => {
    const session = open(spec(3));
    try {
      let asked = 0;
      await session.run(() => {}, never, { shouldPause: () => asked++ >= 8 }); // epoch 2, step 2
      expect(() => session.apply({ epochs: 1 })).toThrow(
        'The run is in epoch 2, so fit.epochs cannot be lowered to 1: it can only be 2 or more.',
      );
      expect(session.settings.fit.epochs).toBe(3);
      const rest = await session.run(() => {}, never);
      expect(rest.history).toHaveLength(3);
      expect(() => session.apply({ epochs: 2 })).toThrow('has trained 3 epochs');
      expect(() => session.apply({ epochs: 1001 })).toThrow('from 1 to 1000');
    } finally {
      session.dispose();
    }
    expect(epochsRefusal(3, { epoch: 4, order: null })).toBeNull();
  });

  it('the callbacks begin again (EarlyStopping waits anew) and the rate ReduceLROnPlateau set is kept', async () => {
    // min_delta 10: only a callback's first epoch improves, so patience 1 stops (or cuts) at the second.
    const session = open(
      spec(2, [
        { name: 'EarlyStopping', monitor: 'loss', patience: 1, min_delta: 10 },
        { name: 'ReduceLROnPlateau', monitor: 'loss', patience: 1, min_delta: 10, factor: 0.5 },
      ]),
    );
    try {
      const first = await session.run(() => {}, never);
      expect(first.earlyStopped).toMatchObject({ callback: 'EarlyStopping', epoch: 2 });
      session.apply({ epochs: 10 });
      const more = await session.run(() => {}, never);
      // on_train_begin again: epoch 3 is a new first epoch (an improvement), epoch 4 the one that stops.
      expect(more.history).toHaveLength(4);
      expect(more.earlyStopped).toMatchObject({ callback: 'EarlyStopping', epoch: 4 });
      expect(more.history.map((h) => h.learning_rate)).toEqual([0.05, 0.05, 0.025, 0.025]);
    } finally {
      session.dispose();
    }
  });
});

describe('train more epochs on a finished run whose session was disposed', () => {
  it('reopens from the end of the run and trains exactly as the uninterrupted run, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const reference = await uninterrupted(spec(4));
    const finished = await uninterrupted(spec(2));
    expect(tf.memory().numTensors).toBe(before);
    const run = { spec: spec(2), runId: 'the-run', end: finished.end };

    const refused = await reopenFinished(run, { epochs: 1 }, async (s, o) =>
      openSession(s, blobs, { session: o }),
    );
    expect(refused.failure?.message).toContain('has trained 2 epochs');
    expect(tf.memory().numTensors).toBe(before);

    const reopened = await reopenFinished(run, { epochs: 4 }, async (s, o) =>
      openSession(s, blobs, { session: o }),
    );
    const session = reopened.session!;
    try {
      expect(session.runId).toBe('the-run');
      const more = await session.run(() => {}, never);
      expect(more.history.slice(0, 2)).toEqual(finished.outcome.history);
      expect(more.history).toEqual(reference.outcome.history);
      const end = await session.endOfRun();
      expect(stepCount(end)).toBe(stepCount(reference.end));
    } finally {
      session.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
