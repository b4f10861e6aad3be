import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../data/blobs';
import type { ExperimentSpec } from '../experiment/spec';
import type { CallbackEventView, TrainEvent } from '../experiment/protocol';
import { openSession, runExperiment } from './run-experiment';
import { blobsSpec, useCpuWithoutLeaks, recorder, withNodeConfig } from './testing';

useCpuWithoutLeaks();

const blobs = makeBlobs(256, 7);
const never = () => false;

function specWith(
  fit: Partial<ExperimentSpec['fit']> = {},
  compile: Partial<ExperimentSpec['compile']> = {},
): ExperimentSpec {
  const spec = blobsSpec({ epochs: 5, ...fit });
  spec.compile = { ...spec.compile, ...compile };
  return spec;
}

function callbackEvents(events: TrainEvent[]): CallbackEventView[] {
  return events.flatMap((e) => (e.type === 'callback' ? [e.event] : []));
}

describe('Keras callbacks in the session', () => {
  it('EarlyStopping stops after the epoch that fails to improve and restores the best weights', async () => {
    const { events, onEvent } = recorder();
    // min_delta 10: no epoch after the first counts as an improvement, so patience 1 stops at epoch 2.
    const spec = specWith({
      callbacks: [
        { name: 'EarlyStopping', monitor: 'loss', patience: 1, min_delta: 10, restore_best_weights: true },
      ],
    });
    const outcome = await runExperiment(spec, blobs, onEvent, never);
    expect(outcome.status).toBe('finished');
    expect(outcome.history).toHaveLength(2);
    expect(outcome.earlyStopped).toMatchObject({ callback: 'EarlyStopping', epoch: 2 });
    const marks = callbackEvents(events);
    expect(marks.map((e) => e.type)).toEqual(['stop', 'restore-best-weights']);
    const stopEvent = events.find((e) => e.type === 'callback' && e.event.type === 'stop');
    expect(stopEvent).toMatchObject({ type: 'callback', epoch: 2 });
    // The stop comes after the epoch it belongs to.
    const epochIndex = events.findIndex((e) => e.type === 'epoch' && e.epoch === 2);
    expect(events.indexOf(stopEvent!)).toBeGreaterThan(epochIndex);
    expect(outcome.tensorsAfter).toBe(outcome.tensorsBefore);
  });

  it('ReduceLROnPlateau lowers the optimizer learning rate and records it in the history', async () => {
    const { events, onEvent } = recorder();
    const spec = specWith({
      epochs: 3,
      callbacks: [{ name: 'ReduceLROnPlateau', monitor: 'loss', patience: 1, min_delta: 10, factor: 0.5 }],
    });
    const outcome = await runExperiment(spec, blobs, onEvent, never);
    expect(outcome.status).toBe('finished');
    const changes = callbackEvents(events).filter((e) => e.type === 'lr-change');
    expect(changes[0]).toMatchObject({ callback: 'ReduceLROnPlateau', epoch: 2, oldLr: 0.05, newLr: 0.025 });
    expect(outcome.history.map((h) => h.learning_rate)).toEqual([0.05, 0.05, 0.025]);
  });

  it('LearningRateScheduler sets the rate at each epoch start', async () => {
    const { events, onEvent } = recorder();
    const spec = specWith({
      epochs: 3,
      callbacks: [
        { name: 'LearningRateScheduler', schedule: { name: 'multiply', factor: 0.1, start_epoch: 1 } },
      ],
    });
    const outcome = await runExperiment(spec, blobs, onEvent, never);
    expect(outcome.status).toBe('finished');
    expect(callbackEvents(events).some((e) => e.type === 'lr-change')).toBe(true);
    const rates = outcome.history.map((h) => h.learning_rate!);
    expect(rates[2]).toBeLessThan(rates[0]);
  });

  it('ModelCheckpoint with save_best_only saves into the session store', async () => {
    const { events, onEvent } = recorder();
    const spec = specWith({
      epochs: 3,
      callbacks: [
        { name: 'ModelCheckpoint', monitor: 'loss', save_best_only: true, filepath: 'ckpt-{epoch}' },
      ],
    });
    const opened = openSession(spec, blobs);
    const session = opened.session!;
    try {
      const outcome = await session.run(onEvent, never);
      expect(outcome.status).toBe('finished');
      const saved = callbackEvents(events).filter((e) => e.type === 'checkpoint');
      expect(saved.length).toBeGreaterThan(0);
      const stored = await session.checkpoints.list(session.runId);
      expect(stored.map((c) => c.key).sort()).toEqual(saved.map((e) => (e as { key: string }).key).sort());
      const first = await session.checkpoints.get(session.runId, stored[0].key);
      expect(first!.weights.length).toBeGreaterThan(0);
      expect(first!.optimizer?.length).toBeGreaterThan(0);
    } finally {
      session.dispose();
    }
  });

  it('TerminateOnNaN stops at a readback that sees a NaN loss', async () => {
    const poisoned = { ...blobs, x: blobs.x.slice() };
    poisoned.x.fill(Number.NaN);
    const { events, onEvent } = recorder();
    const spec = specWith({ readbackEvery: 1, shuffle: false, callbacks: [{ name: 'TerminateOnNaN' }] });
    const outcome = await runExperiment(spec, poisoned, onEvent, never);
    expect(outcome.status).toBe('finished');
    expect(outcome.history).toHaveLength(1);
    expect(outcome.earlyStopped).toMatchObject({ callback: 'TerminateOnNaN', epoch: 1 });
    expect(callbackEvents(events)[0]).toMatchObject({ type: 'stop', batch: 1 });
  });

  it('a run stopped by the user releases the restore_best_weights snapshots', async () => {
    const spec = specWith({
      epochs: 3,
      callbacks: [{ name: 'EarlyStopping', monitor: 'loss', patience: 5, restore_best_weights: true }],
    });
    const session = openSession(spec, blobs).session!;
    let epochs = 0;
    await session.run(
      (e) => {
        if (e.type === 'epoch') epochs++;
      },
      () => epochs >= 2,
    );
    session.dispose();
  });
});

describe('optimizer and checks from the spec', () => {
  it('trains with RMSprop from compile.optimizerConfig', async () => {
    const spec = specWith({ epochs: 3 }, { optimizerConfig: { name: 'rmsprop', learning_rate: 0.01 } });
    const outcome = await runExperiment(spec, blobs, () => {}, never);
    expect(outcome.status).toBe('finished');
    const losses = outcome.history.map((h) => h.loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]).toBeLessThan(losses[0]);
    const adam = await runExperiment(specWith({ epochs: 3 }), blobs, () => {}, never);
    expect(adam.history[2].loss).not.toBe(losses[2]);
  });

  it('honours clipnorm: a huge learning rate with a tiny clipnorm barely moves the loss', async () => {
    const compile = { optimizerConfig: { name: 'sgd' as const, learning_rate: 10 } };
    const clipped = await runExperiment(
      specWith({ epochs: 2, shuffle: false }, { ...compile, clipnorm: 1e-6 }),
      blobs,
      () => {},
      never,
    );
    const free = await runExperiment(
      specWith({ epochs: 2, shuffle: false }, compile),
      blobs,
      () => {},
      never,
    );
    const drift = (h: typeof clipped.history) => Math.abs(h[1].loss - h[0].loss);
    expect(clipped.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(drift(clipped.history)).toBeLessThan(1e-3);
    expect(Number.isFinite(drift(free.history)) ? drift(free.history) : Infinity).toBeGreaterThan(1e-3);
  });

  it('refuses a loss that does not fit the final activation, with the fix as a hint', async () => {
    const spec = specWith();
    spec.graph = withNodeConfig(spec.graph, 'dense_1', { activation: 'linear' });
    const outcome = await runExperiment(spec, blobs, () => {}, never);
    expect(outcome.status).toBe('failed');
    expect(outcome.failure!.kind).toBe('spec');
    expect(outcome.failure!.message).toMatch(/categorical_crossentropy/);
    expect(outcome.failure!.hints.join(' ')).toMatch(/softmax/);
  });

  it('shows a loss ↔ activation warning as a notice and trains anyway', async () => {
    const spec = specWith({ epochs: 1 });
    spec.graph = withNodeConfig(spec.graph, 'dense_1', { activation: 'sigmoid' });
    const { events, onEvent } = recorder();
    const outcome = await runExperiment(spec, blobs, onEvent, never);
    expect(outcome.status).toBe('finished');
    const notices = events.filter((e) => e.type === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ level: 'warning' });
  });

  it('refuses what Keras refuses at compile time (two clipping options)', async () => {
    const outcome = await runExperiment(specWith({}, { clipnorm: 1, clipvalue: 1 }), blobs, () => {}, never);
    expect(outcome.failure?.kind).toBe('spec');
  });

  it('a patch that changes the optimizer drops optimizerConfig', async () => {
    const spec = specWith({ epochs: 1 }, { optimizerConfig: { name: 'rmsprop', learning_rate: 0.02 } });
    const session = openSession(spec, blobs).session!;
    try {
      session.apply({ optimizer: 'sgd' });
      expect(session.settings.compile.optimizerConfig).toBeUndefined();
      expect(session.settings.compile).toMatchObject({ optimizer: 'sgd', learningRate: 0.02 });
      const outcome = await session.run(() => {}, never);
      expect(outcome.status).toBe('finished');
    } finally {
      session.dispose();
    }
  });
});
