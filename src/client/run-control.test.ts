import { describe, expect, it } from 'vitest';
import { blobsExperiment } from '../experiment/defaults';
import type { RunLimits, SettingsPatch, TrainEvent, TrainOutcome } from '../experiment/protocol';
import type { ExperimentSpec } from '../experiment/spec';
import { RunControl, type ClientPort, type ControlledClient } from './run-control.svelte';
import type { TrainerStatus } from './trainer-client.svelte';

/** A client whose calls are recorded; the test plays the worker. */
class FakeClient implements ControlledClient {
  status: TrainerStatus = 'idle';
  resumable = false;
  continuable = false;
  epoch = 0;
  epochs = 3;
  calls: string[] = [];
  /** The spec `resumePatchFor` was last asked about. */
  asked: ExperimentSpec | null = null;
  get busy() {
    return this.status === 'starting' || this.status === 'training';
  }
  train(_spec: ExperimentSpec, limits?: RunLimits) {
    this.calls.push(`train ${JSON.stringify(limits ?? {})}`);
    return Promise.resolve(null);
  }
  resume(patch: SettingsPatch, limits?: RunLimits) {
    this.calls.push(`resume ${JSON.stringify(patch)} ${JSON.stringify(limits ?? {})}`);
    return Promise.resolve(null);
  }
  trainMore(patch: SettingsPatch, limits?: RunLimits) {
    this.calls.push(`trainMore ${JSON.stringify(patch)} ${JSON.stringify(limits ?? {})}`);
    return Promise.resolve(null);
  }
  resumePatchFor(spec: ExperimentSpec): SettingsPatch | null {
    this.asked = spec;
    return { batchSize: 16 };
  }
  continuePatchFor(spec: ExperimentSpec): SettingsPatch | null {
    return this.resumePatchFor(spec);
  }
  stop() {
    this.calls.push('stop');
  }
}

function setup() {
  const client = new FakeClient();
  const sent: string[] = [];
  const finished: TrainOutcome[] = [];
  let now = 0;
  const ended: TrainOutcome = {
    status: 'stopped',
    history: [{ loss: 1 }],
    tensorsBefore: 5,
    tensorsAfter: 5,
  };
  const port: ClientPort = {
    api: () =>
      ({
        pause: () => void sent.push('pause'),
        endParked: () => (sent.push('endParked'), Promise.resolve(ended)),
      }) as unknown as ReturnType<ClientPort['api']>,
    finish: (outcome) => void finished.push(outcome),
  };
  const control = new RunControl(client, port, () => now);
  return { client, control, sent, finished, tick: (ms: number) => (now += ms) };
}

const spec = blobsExperiment();
const started: Extract<TrainEvent, { type: 'started' }> = {
  type: 'started',
  backend: 'cpu',
  epochs: 2,
  stepsPerEpoch: 100,
  samples: 3200,
};
const progress = (step: number): Extract<TrainEvent, { type: 'progress' }> => ({
  type: 'progress',
  epoch: 1,
  step,
  stepsPerEpoch: 100,
  loss: null,
});

describe('RunControl', () => {
  it('pauses a training run once, and its buttons follow the run’s state', () => {
    const { client, control, sent } = setup();
    expect(control.canPause).toBe(false);
    expect(control.canStep).toBe(true);
    client.status = 'training';
    expect(control.canStep).toBe(false);
    control.pause();
    control.pause();
    expect(sent).toEqual(['pause']);
    expect(control.pausing).toBe(true);
    expect(control.canPause).toBe(false);

    const paused: TrainOutcome = {
      status: 'paused',
      history: [],
      resumable: true,
      paused: { epoch: 1, step: 14, stepsPerEpoch: 47 },
      tensorsBefore: 0,
      tensorsAfter: 9,
    };
    control.finish(paused);
    client.status = 'paused';
    client.resumable = true;
    expect(control.pausing).toBe(false);
    expect(control.paused).toEqual(paused.paused);
    expect([control.canResume, control.canStep, control.canStop]).toEqual([true, true, true]);
  });

  it('resumes and single-steps a paused run with the patch the settings need, and steps a fresh one', async () => {
    const { client, control } = setup();
    await control.step(spec);
    client.status = 'paused';
    client.resumable = true;
    await control.step(spec);
    await control.resume(spec);
    expect(client.calls).toEqual([
      'train {"steps":1}',
      'resume {"batchSize":16} {"steps":1}',
      'resume {"batchSize":16} {}',
    ]);
  });

  it('adds epochs to a paused run’s total, trains a kept finished run on, and refuses otherwise', async () => {
    const { client, control } = setup();
    expect(control.canTrainMore).toBe(false);
    await control.trainMore(2, spec);
    client.status = 'finished';
    expect(control.canTrainMore).toBe(false); // the worker kept nothing
    client.continuable = true;
    client.epoch = 3;
    expect(control.canTrainMore).toBe(true);
    await control.trainMore(0, spec);
    await control.trainMore(2, spec);
    // The editor's epochs field is for the next Train: the patch is asked with the run's own total.
    expect(client.asked?.fit.epochs).toBe(3);
    client.status = 'paused';
    client.resumable = true;
    client.continuable = false;
    client.epoch = 1;
    await control.trainMore(4, spec);
    client.status = 'training';
    expect(control.canTrainMore).toBe(false);
    expect(client.calls).toEqual([
      'trainMore {"batchSize":16,"epochs":5} {}',
      'resume {"batchSize":16,"epochs":7} {}',
    ]);
  });

  it('stop ends a paused run in the worker and records its outcome; a running run is asked to stop', async () => {
    const { client, control, sent, finished } = setup();
    client.status = 'training';
    await control.stop();
    expect(client.calls).toEqual(['stop']);
    client.status = 'paused';
    client.resumable = true;
    await control.stop();
    expect(sent).toEqual(['endParked']);
    expect(finished.map((o) => o.status)).toEqual(['stopped']);
  });

  it('says estimating until the step time is known, then updates the ETA at most 20 times a second', () => {
    const { control, tick } = setup();
    control.started(started);
    expect(control.estimating).toBe(true);
    // A burst: 200 progress events 1 ms apart, a step each (as if messages queued up behind a busy page).
    const seen: unknown[] = [];
    for (let step = 1; step <= 200; step++) {
      tick(1);
      control.progress(progress(step));
      if (control.eta !== seen.at(-1)) seen.push(control.eta);
    }
    expect(seen.length).toBeLessThanOrEqual(200 / 50 + 1);
    const eta = control.eta!;
    expect(eta.samplesPerSecond).toBeCloseTo(32_000, 6);
    expect(eta.runSeconds).toBeGreaterThan(eta.epochSeconds);
    control.finish(null);
    expect([control.eta, control.estimating]).toEqual([null, false]);
  });
});
