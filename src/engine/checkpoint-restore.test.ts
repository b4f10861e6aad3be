import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { openDB } from 'idb';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeBlobs } from '../data/blobs';
import type { ExperimentSpec } from '../experiment/spec';
import type { TrainEvent } from '../experiment/protocol';
import { buildModel } from './build-model';
import type { Checkpoint } from './callbacks/checkpoint-store';
import { IdbCheckpointStore } from './callbacks/idb-checkpoint-store';
import { checkpointedRun, restoreCheckpointInto } from './checkpoint-restore';
import { openSession } from './run-experiment';
import type { SessionOptions, TrainingSession } from './session';
import { blobsSpec, recorder, testNode, withNodeConfig } from './testing';

let tensorsAtStart = 0;
let dbCount = 0;
let library: IdbCheckpointStore;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  tensorsAtStart = tf.memory().numTensors;
  library = new IdbCheckpointStore(`restore-${++dbCount}`);
});
afterEach(async () => {
  await library.close();
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

const blobs = makeBlobs(256, 7);
const never = () => false;
/** The models the sessions built, newest last, so a test can read the weights a restore put in. */
const built: tf.LayersModel[] = [];

function open(spec: ExperimentSpec, session: SessionOptions) {
  const build = (graph: ExperimentSpec['graph']) => {
    const model = buildModel(graph);
    built.push(model);
    return model;
  };
  return Promise.resolve(openSession(spec, blobs, { build, session }));
}

function checkpointSpec(filepath: string, epochs = 4): ExperimentSpec {
  const spec = blobsSpec({
    epochs,
    callbacks: [{ name: 'ModelCheckpoint', monitor: 'loss', save_best_only: true, filepath }],
  });
  return { ...spec, name: 'blobs with checkpoints' };
}

function weightsOf(model: tf.LayersModel): number[][] {
  return model.weights.map((w) => Array.from(w.read().dataSync()));
}

function savedWeights(checkpoint: Checkpoint): number[][] {
  return checkpoint.weights.map((w) => Array.from(w.data));
}

/** Trains `spec` in a session on the library; returns the open session and its events. */
async function trained(spec: ExperimentSpec): Promise<{ session: TrainingSession; events: TrainEvent[] }> {
  const opened = await open(spec, await checkpointedRun(library, spec));
  const { events, onEvent } = recorder();
  const outcome = await opened.session!.run(onEvent, never);
  expect(outcome.status).toBe('finished');
  return { session: opened.session!, events };
}

describe('restoring ModelCheckpoint saves from IndexedDB', () => {
  it('rebuilds a disposed run from its stored spec with the saved weights, and training continues', async () => {
    const spec = checkpointSpec('ckpt-{epoch}');
    const { session, events } = await trained(spec);
    const runId = session.runId;
    const firstLoss = (events.find((e) => e.type === 'epoch') as { logs: { loss: number } }).logs.loss;
    session.dispose();

    const listed = await library.listAll();
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.every((c) => c.experiment === 'blobs with checkpoints' && c.runId === runId)).toBe(true);
    const older = listed.at(-1)!; // the earliest save, so the restore is not just the final weights
    const checkpoint = (await library.get(runId, older.key))!;

    const restored = await restoreCheckpointInto(library, runId, older.key, null, open);
    expect(restored.ok).toBe(true);
    if (!restored.ok) return;
    expect(restored.result).toMatchObject({ into: 'new', key: older.key, epoch: older.epoch });
    expect(restored.result.spec.name).toBe('blobs with checkpoints');
    const next = restored.session;
    try {
      expect(next.runId).not.toBe(runId);
      expect(weightsOf(built.at(-1)!)).toEqual(savedWeights(checkpoint));
      const { events: more, onEvent } = recorder();
      const outcome = await next.run(onEvent, never);
      expect(outcome.status).toBe('finished');
      expect(outcome.history).toHaveLength(4);
      // It starts from trained weights, not from the initialisation the first run started from.
      expect(outcome.history[older.epoch].loss).toBeLessThan(firstLoss);
      expect(more.some((e) => e.type === 'callback' && e.event.type === 'checkpoint')).toBe(true);
      // The continued run saves under its own id: the checkpoints it came from are still there.
      expect((await library.list(runId)).map((c) => c.key)).toEqual(listed.map((c) => c.key));
      expect((await library.list(next.runId)).length).toBeGreaterThan(0);
    } finally {
      next.dispose();
    }
  });

  it('loads an earlier checkpoint into the parked session of its run, which then trains on', async () => {
    const spec = checkpointSpec('ckpt-{epoch}', 3);
    const { session } = await trained(spec);
    try {
      const model = built.at(-1)!;
      const first = (await library.list(session.runId)).at(-1)!;
      const checkpoint = (await library.get(session.runId, first.key))!;
      expect(weightsOf(model)).not.toEqual(savedWeights(checkpoint));
      const restored = await restoreCheckpointInto(library, session.runId, first.key, session, open);
      expect(restored.ok && restored.result.into).toBe('parked');
      expect(restored.ok && restored.session).toBe(session);
      expect(weightsOf(model)).toEqual(savedWeights(checkpoint));
      const outcome = await session.run(() => undefined, never);
      expect(outcome.status).toBe('finished');
    } finally {
      session.dispose();
    }
  });

  it('refuses a checkpoint whose graph changed, naming the weights, and leaks nothing', async () => {
    const spec = checkpointSpec('checkpoint', 2);
    const { session } = await trained(spec);
    const runId = session.runId;
    session.dispose();
    const wider = { ...spec, graph: withNodeConfig(spec.graph, 'dense', { units: 8 }) };
    await library.putRun({ id: runId, experiment: spec.name, spec: JSON.stringify(wider), startedAt: 0 });
    const restored = await restoreCheckpointInto(library, runId, 'checkpoint', null, open);
    expect(restored.ok).toBe(false);
    if (restored.ok) return;
    expect(restored.failure.kind).toBe('graph');
    expect(restored.failure.message).toMatch(/does not fit this model: the graph changed/);
    expect(restored.failure.hints).toContain('dense/kernel was saved as [2, 16]; the model has [2, 8].');
  });

  it('says a checkpoint is gone when it was deleted', async () => {
    const restored = await restoreCheckpointInto(library, 'no-run', 'checkpoint', null, open);
    expect(restored.ok).toBe(false);
    expect(!restored.ok && restored.failure.message).toMatch(/is gone/);
  });

  it('a full storage quota is a notice with the size, and the run still finishes', async () => {
    const full = Object.assign(Object.create(library) as IdbCheckpointStore, {
      put: () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')),
    });
    const spec = checkpointSpec('checkpoint', 2);
    const opened = await open(spec, { checkpointStore: full });
    const { events, onEvent } = recorder();
    try {
      const outcome = await opened.session!.run(onEvent, never);
      expect(outcome.status).toBe('finished');
      expect(outcome.history).toHaveLength(2);
      const notices = events.filter((e) => e.type === 'notice');
      expect(notices[0]?.message).toMatch(
        /^Checkpoint "checkpoint" \(epoch 1, [\d.]+ KB\) was not saved: .*QuotaExceededError/,
      );
      expect(events.some((e) => e.type === 'callback' && e.event.type === 'checkpoint')).toBe(false);
    } finally {
      opened.session!.dispose();
    }
  });
});

/** The optimizer's step count a checkpoint saved (the one scalar int32 of its state). */
const stepCount = (checkpoint: Checkpoint) =>
  checkpoint.optimizer?.find((w) => w.dtype === 'int32' && w.shape.length === 0)?.data[0];

/** The blobs MLP with Dropout(0.3) after its hidden layer, so every step draws from the dropout stream. */
function withDropout(graph: ExperimentSpec['graph']): ExperimentSpec['graph'] {
  const hidden = graph.nodes.find((n) => n.name === 'dense')!;
  const out = graph.edges.find((e) => e.source === hidden.id)!;
  return {
    ...graph,
    nodes: [...graph.nodes, testNode('drop', 'Dropout', { rate: 0.3 }, 2)],
    edges: [
      ...graph.edges.filter((e) => e !== out),
      { id: 'to-drop', source: hidden.id, target: 'drop', targetSlot: 0 },
      { ...out, id: 'from-drop', source: 'drop' },
    ],
  };
}

/** Epoch events of a run, in order. */
const epochsOf = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));

/** A spec that saves every epoch under its own key (`ckpt-1`, `ckpt-2`…). */
function everyEpochSpec(epochs: number, extra: ExperimentSpec['fit']['callbacks'] = []): ExperimentSpec {
  const spec = blobsSpec({
    epochs,
    callbacks: [{ name: 'ModelCheckpoint', monitor: 'loss', filepath: 'ckpt-{epoch}' }, ...(extra ?? [])],
  });
  return { ...spec, name: 'blobs, every epoch saved' };
}

/** Trains `spec` to the end, disposes the session (a reload loses it) and returns its run id and history. */
async function finishedRun(spec: ExperimentSpec) {
  const { session } = await trained(spec);
  const runId = session.runId;
  // 256 blobs less the 25% validation split, in batches.
  const stepsPerEpoch = Math.ceil(192 / spec.fit.batchSize);
  const history = (await session.run(() => undefined, never)).history;
  session.dispose();
  return { runId, history, stepsPerEpoch };
}

describe("a restored checkpoint continues its run, as Keras's fit(initial_epoch=k)", () => {
  const N = 5;
  const k = 2;

  it('a rebuilt session starts at epoch k + 1 with the stored history and trains exactly N − k epochs', async () => {
    const { runId, history, stepsPerEpoch } = await finishedRun(everyEpochSpec(N));
    expect(history).toHaveLength(N);
    const restored = await restoreCheckpointInto(library, runId, `ckpt-${k}`, null, open);
    expect(restored.ok).toBe(true);
    if (!restored.ok) return;
    expect(restored.result).toMatchObject({ into: 'new', epoch: k, historySaved: true });
    expect(restored.result.paused).toEqual({ epoch: k + 1, step: 0, stepsPerEpoch });
    expect(restored.result.history).toEqual(history.slice(0, k));
    expect(restored.result.residentBytes).toBeGreaterThan(0);
    const next = restored.session;
    try {
      const { events, onEvent } = recorder();
      const outcome = await next.run(onEvent, never);
      expect(outcome.status).toBe('finished');
      expect(events.find((e) => e.type === 'started')).toMatchObject({ epochs: N });
      expect(epochsOf(events)).toEqual([3, 4, 5]);
      expect(outcome.history).toHaveLength(N);
      expect(outcome.history.slice(0, k)).toEqual(history.slice(0, k));
      expect(outcome.stats?.steps).toBe((N - k) * stepsPerEpoch);
      // The continued run's own saves carry the whole history, so restoring one of them continues it too.
      const last = (await library.get(next.runId, `ckpt-${N}`))!;
      expect(last.history).toEqual(outcome.history);
      // The optimizer went on from the saved state: its step count is the uninterrupted run's.
      const original = (await library.get(runId, `ckpt-${k + 1}`))!;
      const continued = (await library.get(next.runId, `ckpt-${k + 1}`))!;
      expect(stepCount(continued)).toBe((k + 1) * stepsPerEpoch);
      expect(stepCount(continued)).toBe(stepCount(original));
    } finally {
      next.dispose();
    }
  });

  it("the run's own paused session goes back to the checkpoint's epoch and trains on from there", async () => {
    const spec = everyEpochSpec(N);
    const stepsPerEpoch = Math.ceil(192 / spec.fit.batchSize);
    const opened = await open(spec, await checkpointedRun(library, spec));
    const session = opened.session!;
    try {
      // Paused two steps into epoch 4, after saving ckpt-1..ckpt-3.
      const paused = await session.run(() => undefined, never, { steps: 3 * stepsPerEpoch + 2 });
      expect(paused.paused).toMatchObject({ epoch: 4, step: 2 });
      const restored = await restoreCheckpointInto(library, session.runId, `ckpt-${k}`, session, open);
      if (!restored.ok) throw new Error(restored.failure.message);
      expect(restored.result.into).toBe('parked');
      expect(restored.result.history).toEqual(paused.history.slice(0, k));
      expect(restored.result.paused).toEqual({ epoch: k + 1, step: 0, stepsPerEpoch });
      const { events, onEvent } = recorder();
      const outcome = await session.run(onEvent, never);
      expect(outcome.status).toBe('finished');
      expect(epochsOf(events)).toEqual([3, 4, 5]);
      expect(outcome.history).toHaveLength(N);
      // Epoch 3 again, from the same weights, optimizer state and random streams: the same logs as before.
      expect(outcome.history.slice(0, 3)).toEqual(paused.history);
      expect(outcome.stats!.steps - paused.stats!.steps).toBe((N - k) * stepsPerEpoch);
    } finally {
      session.dispose();
    }
  });

  it('on the CPU the continued run reaches exactly the losses of the uninterrupted one, dropout included', async () => {
    const spec = { ...everyEpochSpec(N), graph: withDropout(everyEpochSpec(N).graph) };
    const { runId, history } = await finishedRun(spec);
    const restored = await restoreCheckpointInto(library, runId, `ckpt-${k}`, null, open);
    if (!restored.ok) throw new Error(restored.failure.message);
    try {
      const outcome = await restored.session.run(() => undefined, never);
      // Same weights, optimizer state, learning rate, epoch orders and dropout masks: the same numbers.
      expect(outcome.history).toEqual(history);
    } finally {
      restored.session.dispose();
    }
  });

  it('a checkpoint of the last epoch trains nothing and says why', async () => {
    const { runId, history } = await finishedRun(everyEpochSpec(N));
    const restored = await restoreCheckpointInto(library, runId, `ckpt-${N}`, null, open);
    if (!restored.ok) throw new Error(restored.failure.message);
    const next = restored.session;
    try {
      const { events, onEvent } = recorder();
      const outcome = await next.run(onEvent, never);
      expect(outcome.status).toBe('finished');
      expect(outcome.resumable).toBe(false);
      expect(outcome.history).toEqual(history);
      expect(outcome.stats?.steps).toBe(0);
      expect(epochsOf(events)).toEqual([]);
      const notice = events.find((e) => e.type === 'notice');
      expect(notice?.message).toBe(
        "Nothing left to train: the run was restored at the end of epoch 5 and fit.epochs is 5, so no epoch remains (Keras's fit(initial_epoch=5, epochs=5) trains none either).",
      );
    } finally {
      next.dispose();
    }
  });

  it('a checkpoint an earlier Kiln wrote (no history) restores its weights and epoch, its logs unknown', async () => {
    const { runId, stepsPerEpoch } = await finishedRun(everyEpochSpec(N));
    const stored = (await library.get(runId, `ckpt-${k}`))!;
    // Rewrite it as the previous version stored it: metadata, and data with weights and optimizer only.
    const db = await openDB(`restore-${dbCount}`, 1);
    await db.put('data', { runId, key: `ckpt-${k}`, weights: stored.weights, optimizer: stored.optimizer });
    db.close();
    const restored = await restoreCheckpointInto(library, runId, `ckpt-${k}`, null, open);
    if (!restored.ok) throw new Error(restored.failure.message);
    expect(restored.result.historySaved).toBe(false);
    expect(restored.result.history.map((logs) => logs.loss)).toEqual([NaN, NaN]);
    const next = restored.session;
    try {
      expect(weightsOf(built.at(-1)!)).toEqual(savedWeights(stored));
      const { events, onEvent } = recorder();
      const outcome = await next.run(onEvent, never);
      expect(epochsOf(events)).toEqual([3, 4, 5]);
      expect(outcome.history).toHaveLength(N);
      expect(outcome.history.slice(k).every((logs) => Number.isFinite(logs.loss))).toBe(true);
      expect(outcome.stats?.steps).toBe((N - k) * stepsPerEpoch);
    } finally {
      next.dispose();
    }
  });

  it('the learning rate a ReduceLROnPlateau set before the checkpoint is the one training goes on with', async () => {
    // min_delta 10: no epoch counts as an improvement, so the rate halves after every epoch but the first.
    const plateau = {
      name: 'ReduceLROnPlateau' as const,
      monitor: 'loss',
      factor: 0.5,
      patience: 1,
      min_delta: 10,
    };
    const { runId, history } = await finishedRun(everyEpochSpec(N, [plateau]));
    const rates = history.map((logs) => logs.learning_rate);
    expect(rates[k]).toBeLessThan(rates[0]!);
    const restored = await restoreCheckpointInto(library, runId, `ckpt-${k}`, null, open);
    if (!restored.ok) throw new Error(restored.failure.message);
    try {
      const outcome = await restored.session.run(() => undefined, never);
      // Epoch k + 1 trains with the rate the original run's epoch k + 1 had, not the spec's.
      expect(outcome.history[k].learning_rate).toBe(rates[k]);
    } finally {
      restored.session.dispose();
    }
  });
});
