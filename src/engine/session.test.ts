import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../data/blobs';
import type { ModelGraph } from '../graph/types';
import { openSession } from './run-experiment';
import { TrainingSession } from './session';
import { blobsSpec, useCpuWithoutLeaks, recorder, testNode } from './testing';

const MB = 1024 * 1024;
useCpuWithoutLeaks();

/** Input 2 → Dense 32 → Dense 32 → Dense 3: small weights, so activations dominate at large batches. */
function wideGraph(): ModelGraph {
  return {
    nodes: [
      testNode('input', 'InputLayer', { batch_shape: [null, 2] }, 0),
      testNode('wide', 'Dense', { units: 32, activation: 'relu' }, 1),
      testNode('wider', 'Dense', { units: 32, activation: 'relu' }, 2),
      testNode('head', 'Dense', { units: 3, activation: 'softmax' }, 3),
    ],
    edges: [
      { id: 'a', source: 'input', target: 'wide', targetSlot: 0 },
      { id: 'b', source: 'wide', target: 'wider', targetSlot: 0 },
      { id: 'c', source: 'wider', target: 'head', targetSlot: 0 },
    ],
  };
}

const blobs = makeBlobs(600, 3);

function wideSpec(budgetMB: number, ignoreEstimate = false) {
  const spec = blobsSpec({ epochs: 2, batchSize: 512, readbackEvery: 1 });
  spec.graph = wideGraph();
  spec.data.samples = 600;
  spec.data.validationSplit = 0;
  spec.memory = { budgetMB, allocation: 'growth', ignoreEstimate };
  return spec;
}

function open(spec: ReturnType<typeof wideSpec>): TrainingSession {
  const opened = openSession(spec, blobs);
  if (!opened.session) throw new Error(opened.failure.message);
  return opened.session;
}

/** The estimate view at batch 256 under a roomy budget, measured by a run of one session. */
async function roomyEstimate() {
  const session = open(wideSpec(1024));
  const outcome = await session.run(
    () => {},
    () => false,
  );
  session.dispose();
  expect(outcome.status).toBe('finished');
  return outcome.memory!;
}

describe('TrainingSession memory', () => {
  it('measures a peak equal to its pre-flight estimate', async () => {
    const memory = await roomyEstimate();
    expect(memory.estimate).not.toBeNull();
    // The first real step also creates the optimizer's slots, a few hundred bytes the probe's steady state lacks.
    expect(
      Math.abs(memory.measuredPeakBytes! - memory.estimate!.peakBytes) / memory.estimate!.peakBytes,
    ).toBeLessThan(0.01);
  });

  it('measures a peak equal to its estimate with sparse targets and class weights too', async () => {
    const spec = wideSpec(1024);
    spec.compile.lossConfig = { name: 'sparse_categorical_crossentropy' };
    spec.fit.classWeight = { '0': 2, '1': 0.5 };
    const session = open(spec);
    const outcome = await session.run(
      () => {},
      () => false,
    );
    session.dispose();
    expect(outcome.status).toBe('finished');
    const { estimate, measuredPeakBytes } = outcome.memory!;
    expect(Math.abs(measuredPeakBytes! - estimate!.peakBytes) / estimate!.peakBytes).toBeLessThan(0.01);
    // The indices and weights gathered per sample are part of the batch: 2 inputs + 1 index + 1 weight.
    expect(estimate!.components.batch).toBe(4 * 4 * 512);
  });

  it('refuses to start when the estimate exceeds the budget, and finishes after applying its batch size', async () => {
    const { estimate } = await roomyEstimate();
    const budgetMB = (estimate!.peakBytes * 0.7) / MB;
    const session = open(wideSpec(budgetMB));
    try {
      const tensorsBefore = tf.memory().numTensors;
      const { events, onEvent } = recorder();

      const refused = await session.run(onEvent, () => false);
      expect(refused.status).toBe('failed');
      expect(refused.resumable).toBe(true);
      expect(refused.stats?.steps).toBe(0);
      expect(refused.failure?.kind).toBe('resource-exhausted');
      expect(refused.failure?.message).toMatch(
        /^ResourceExhaustedError: OOM when allocating tensor with shape\[\d+(,\d+)*\] and type float32 on cpu — budget [\d.]+ [KM]B, in use [\d.]+ [KM]B, requested [\d.]+ [KM]B/,
      );
      expect(refused.failure?.oom?.phase).toBe('preflight');
      expect(events.some((e) => e.type === 'estimate')).toBe(true);
      expect(tf.memory().numTensors).toBe(tensorsBefore);

      const apply = refused.failure!.remedies!.find((r) => r.action?.patch.batchSize)!;
      expect(apply.action!.label).toMatch(/^Apply: batch size \d+$/);
      session.apply(apply.action!.patch);
      const finished = await session.run(
        () => {},
        () => false,
      );
      expect(finished.status).toBe('finished');
      expect(finished.history).toHaveLength(2);
      expect(finished.memory!.measuredPeakBytes!).toBeLessThanOrEqual(budgetMB * MB);
    } finally {
      session.dispose();
    }
  });

  it('fails at the allocation, keeps the last good weights and history, and resumes with the fix', async () => {
    const { estimate } = await roomyEstimate();
    const session = open(wideSpec(1024, true));
    try {
      const internals = session as unknown as { model: tf.LayersModel };
      let checks = 0;
      let weightsAtFailure: number[][] = [];
      let tensorsAtFailure = 0;
      // Epoch 1 (two steps) trains under a roomy budget; at the start of epoch 2 the device shrinks under the run.
      const shouldStop = () => {
        checks++;
        if (checks === 3) {
          session.setDeviceLimit(Math.round(estimate!.peakBytes * 0.7));
          weightsAtFailure = internals.model.getWeights().map((w) => Array.from(w.dataSync()));
          tensorsAtFailure = tf.memory().numTensors;
        }
        return false;
      };
      const failed = await session.run(() => {}, shouldStop);

      expect(failed.status).toBe('failed');
      expect(failed.resumable).toBe(true);
      expect(failed.failure?.oom?.phase).toBe('allocation');
      // A forward activation names its layer; a backward or optimizer temporary names only its kernel.
      expect(failed.failure?.oom?.op).toBeTruthy();
      expect(failed.history).toHaveLength(1);
      // Everything the failed step made is gone; so is the epoch's sample order, which the loop releases on exit.
      expect(tf.memory().numTensors).toBe(tensorsAtFailure - 1);
      expect(internals.model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weightsAtFailure);

      const fix = failed.failure!.remedies!.find((r) => r.action?.patch.batchSize)!;
      session.apply(fix.action!.patch);
      const resumed = await session.run(
        () => {},
        () => false,
      );
      expect(resumed.status).toBe('finished');
      expect(resumed.history).toHaveLength(2);
      expect(resumed.history[0]).toEqual(failed.history[0]);
    } finally {
      session.dispose();
    }
  });
});
