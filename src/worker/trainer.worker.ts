import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, ExperimentSpec } from '../experiment/spec';
import type {
  BackendReport,
  DeviceEvent,
  EpochLogs,
  InitOptions,
  RestoreResult,
  RunLimits,
  SettingsPatch,
  TrainerApi,
  TrainEvent,
  TrainOutcome,
} from '../experiment/protocol';
import { fetchBytes, loadDataset, MNIST_PATH } from '../data/load';
import { selectBackend } from '../engine/backend';
import { gpuFailure, type GpuErrorRecord } from '../engine/device/device-failure';
import { deviceIsLost, loseDevice, onDeviceTrouble, restartWebGpu } from '../engine/device/webgpu';
import { toFailure } from '../engine/failures';
import { openSession } from '../engine/run-experiment';
import type { SessionOptions, TrainingSession } from '../engine/session';
import { IdbCheckpointStore } from '../engine/callbacks/idb-checkpoint-store';
import { checkpointedRun, restoreCheckpointInto } from '../engine/checkpoint-restore';
import { reopenFinished, type FinishedRun } from '../engine/more-epochs';
import { autoChoice } from './auto-choice';

/**
 * The trainer worker: a thin comlink face over the engine. It owns three bits of state: the backend report,
 * the cached MNIST bytes (downloaded once per worker), and the stop flag of the running experiment.
 */
let backend: Promise<BackendReport> | null = null;
let mnist: Promise<ArrayBuffer> | null = null;
let stopRequested = false;
/** Set by `pause`; cleared when a train or resume call arrives, like `stopRequested`. */
let pauseRequested = false;
let running = false;
/** A run that failed resumably (out of memory) keeps its session here until it is resumed or discarded. */
let parked: TrainingSession | null = null;
let parkedTensorsBefore = 0;
/** The parked run's epochs, for the outcome `endParked` returns. */
let parkedHistory: EpochLogs[] = [];
/**
 * The last finished run, read back to the CPU when it finished (its session is disposed, so its tensors are
 * released and the leak check holds), so `trainMore` can train it further. Dropped by the next `train`, a
 * restore, or `discard`.
 */
let finished: FinishedRun | null = null;
/** The session training now, so a device limit from the ledger reaches it mid-run. */
let current: TrainingSession | null = null;
let deviceLimit: number | null = null;
let initOptions: InitOptions = {};
let deviceListener: ((event: DeviceEvent) => void) | null = null;
/** ModelCheckpoint's saves, kept in IndexedDB across reloads (see checkpoint-restore.ts). */
const checkpoints = new IdbCheckpointStore();

/**
 * GPU trouble between runs goes to the page as an event; during a run the run's guard reports it in the
 * outcome instead (sending both would show it twice). A lost device is replaced at once, so the next run (or
 * the resume of a parked one) starts on a working device.
 */
onDeviceTrouble((record: GpuErrorRecord) => {
  if (running) return;
  const send = (recovered: boolean) =>
    void Promise.resolve(
      deviceListener?.({ type: 'device', failure: gpuFailure(record, null), recovered }),
    ).catch(() => undefined);
  if (record.cause !== 'lost') return send(false);
  void ensureDevice().then(
    () => send(true),
    () => send(false),
  );
});

/** Makes a new WebGPU device if the current one was lost; runs before every train and resume. */
async function ensureDevice(): Promise<void> {
  if (!deviceIsLost()) return;
  const limits = await restartWebGpu();
  const report = await backend;
  if (report) backend = Promise.resolve({ ...report, limits });
}
function fetchMnist(): Promise<ArrayBuffer> {
  mnist ??= fetchBytes(new URL(`${import.meta.env.BASE_URL}${MNIST_PATH}`, self.location.href));
  // A failed download is not cached: the next run tries again.
  mnist.catch(() => (mnist = null));
  return mnist;
}

/**
 * `onEvent` is a comlink proxy: each call is a message, and awaiting it would cost a round trip per event.
 * Events are fire-and-forget; a rejected one (the page went away) must not fail the run.
 */
function fireAndForget(onEvent: (event: TrainEvent) => void): (event: TrainEvent) => void {
  return (event) => {
    void Promise.resolve(onEvent(event)).catch(() => undefined);
  };
}

function busy(): TrainOutcome {
  const tensors = tf.memory().numTensors;
  return {
    status: 'failed',
    history: [],
    failure: { kind: 'spec', message: 'An experiment is already training in this worker.', hints: [] },
    tensorsBefore: tensors,
    tensorsAfter: tensors,
  };
}

function discardParked(): void {
  parked?.dispose();
  parked = null;
}

function noRun(message: string): TrainOutcome {
  const tensors = tf.memory().numTensors;
  return {
    status: 'failed',
    history: [],
    failure: { kind: 'spec', message, hints: [] },
    tensorsBefore: tensors,
    tensorsAfter: tensors,
  };
}

/** Where a finished run ended, or null when it cannot be read back (its device was lost): no more epochs then. */
async function keepFinished(session: TrainingSession): Promise<FinishedRun | null> {
  try {
    return { spec: session.settings, runId: session.runId, end: await session.endOfRun() };
  } catch {
    return null;
  }
}

/** Runs the session; parks it when the outcome can be resumed, disposes it otherwise. */
async function runSession(
  session: TrainingSession,
  tensorsBefore: number,
  onEvent: (event: TrainEvent) => void,
  limits: RunLimits = {},
): Promise<TrainOutcome> {
  current = session;
  await ensureDevice();
  const outcome = await session
    .run(fireAndForget(onEvent), () => stopRequested, {
      shouldPause: () => pauseRequested,
      steps: limits.steps,
    })
    .finally(() => (current = null));
  // A device lost during the run is replaced now, so the parked session can be resumed at once.
  await ensureDevice().catch(() => undefined);
  if (outcome.resumable) {
    parked = session;
    parkedTensorsBefore = tensorsBefore;
    parkedHistory = outcome.history;
  } else {
    finished = outcome.status === 'finished' ? await keepFinished(session) : null;
    session.dispose();
  }
  const continuable = !outcome.resumable && finished !== null;
  return {
    ...outcome,
    ...(continuable ? { continuable } : {}),
    tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
  };
}

async function exclusive(work: () => Promise<TrainOutcome>): Promise<TrainOutcome> {
  if (running) return busy();
  running = true;
  // Cleared as the call arrives, not once its data has loaded, so a Stop or Pause clicked while a run is
  // still loading its data or picking a backend is kept.
  stopRequested = false;
  pauseRequested = false;
  try {
    return await work();
  } catch (error) {
    // Sessions report their own failures; what lands here is loading data or starting a backend.
    const tensors = tf.memory().numTensors;
    return {
      status: 'failed',
      history: [],
      failure: toFailure(error, 'train'),
      tensorsBefore: tensors,
      tensorsAfter: tensors,
    };
  } finally {
    running = false;
  }
}

/** Times this model on every backend and keeps the fastest; the page gets the figures as a `backend` event. */
async function pickAuto(
  spec: ExperimentSpec,
  dataset: Awaited<ReturnType<typeof loadDataset>>,
  onEvent: (event: TrainEvent) => void,
): Promise<void> {
  const report = await autoChoice(spec, dataset);
  backend = Promise.resolve(report);
  fireAndForget(onEvent)({ type: 'backend', report });
}

const api: Omit<TrainerApi, keyof typeof checkpointApi> = {
  init(preference: BackendChoice, options: InitOptions = {}): Promise<BackendReport> {
    initOptions = options;
    backend = selectBackend(preference, { deviceLimits: options.deviceLimits });
    return backend;
  },

  train(
    spec: ExperimentSpec,
    onEvent: (event: TrainEvent) => void,
    limits?: RunLimits,
  ): Promise<TrainOutcome> {
    return exclusive(async () => {
      discardParked();
      finished = null;
      const tensorsBefore = tf.memory().numTensors;
      await (backend ??= selectBackend(spec.backend));
      await ensureDevice();
      const dataset = await loadDataset(spec.data, spec.seed, fetchMnist);
      if (spec.backend === 'auto') await pickAuto(spec, dataset, onEvent);
      const opened = openSession(spec, dataset, { session: await checkpointedRun(checkpoints, spec) });
      if (!opened.session) {
        return {
          status: 'failed',
          history: [],
          failure: opened.failure,
          tensorsBefore,
          tensorsAfter: tf.memory().numTensors,
        };
      }
      opened.session.setDeviceLimit(deviceLimit);
      return runSession(opened.session, tensorsBefore, onEvent, limits);
    });
  },

  resume(
    patch: SettingsPatch,
    onEvent: (event: TrainEvent) => void,
    limits?: RunLimits,
  ): Promise<TrainOutcome> {
    return exclusive(async () => {
      const session = parked;
      if (!session) return noRun('There is no interrupted run to resume: press Train.');
      try {
        // A refused patch (fewer epochs than done) leaves the run parked as it was.
        session.apply(patch);
      } catch (error) {
        const tensors = tf.memory().numTensors;
        const failure = toFailure(error, 'train');
        return {
          status: 'failed',
          history: parkedHistory,
          failure,
          resumable: true,
          tensorsBefore: parkedTensorsBefore,
          tensorsAfter: tensors,
        };
      }
      parked = null;
      return runSession(session, parkedTensorsBefore, onEvent, limits);
    });
  },

  trainMore(
    patch: SettingsPatch,
    onEvent: (event: TrainEvent) => void,
    limits?: RunLimits,
  ): Promise<TrainOutcome> {
    return exclusive(async () => {
      const run = finished;
      if (!run) return noRun('There is no finished run to train further: press Train.');
      discardParked();
      const tensorsBefore = tf.memory().numTensors;
      const opened = await reopenFinished(run, patch, (spec, options) =>
        openStored(spec, { ...options, checkpointStore: checkpoints }),
      );
      if (!opened.session) {
        // Kept: a refused total can be asked again.
        const tensorsAfter = tf.memory().numTensors;
        return {
          status: 'failed',
          history: run.end.history ?? [],
          failure: opened.failure,
          continuable: true,
          tensorsBefore,
          tensorsAfter,
        };
      }
      finished = null;
      opened.session.setDeviceLimit(deviceLimit);
      return runSession(opened.session, tensorsBefore, onEvent, limits);
    });
  },

  discard(): void {
    if (running) return;
    discardParked();
    finished = null;
  },

  setDeviceLimit(bytes: number | null): void {
    deviceLimit = bytes;
    parked?.setDeviceLimit(bytes);
    current?.setDeviceLimit(bytes);
  },

  stop(): void {
    stopRequested = true;
  },

  pause(): void {
    pauseRequested = true;
  },

  endParked(): TrainOutcome | null {
    if (running || !parked) return null;
    const history = parkedHistory;
    discardParked();
    return {
      status: 'stopped',
      history,
      tensorsBefore: parkedTensorsBefore,
      tensorsAfter: tf.memory().numTensors,
    };
  },

  watchDevice(listener: (event: DeviceEvent) => void): void {
    deviceListener = listener;
  },

  async debugLoseDevice(): Promise<boolean> {
    if (!initOptions.debug) return false;
    return loseDevice();
  },
};

/** Opens a session for a stored spec on the worker's backend, as `train` does, without running it. */
async function openStored(spec: ExperimentSpec, options: SessionOptions) {
  await (backend ??= selectBackend(spec.backend));
  await ensureDevice();
  const dataset = await loadDataset(spec.data, spec.seed, fetchMnist);
  return openSession(spec, dataset, { session: options });
}

/** Restores a checkpoint and parks the session it went into (see TrainerApi.restoreCheckpoint). */
async function restore(runId: string, key: string): Promise<RestoreResult> {
  if (running) {
    const message = 'Stop the running experiment before restoring a checkpoint.';
    return { ok: false, failure: { kind: 'spec', message, hints: [] } };
  }
  running = true;
  try {
    const tensorsBefore = tf.memory().numTensors;
    const restored = await restoreCheckpointInto(checkpoints, runId, key, parked, openStored);
    if (!restored.ok) return restored;
    // The restored run is the page's run now: a finished one kept for more epochs is let go.
    finished = null;
    parkedHistory = restored.result.history;
    if (restored.session !== parked) {
      // The parked run's tensors were counted in `tensorsBefore`: the new run's baseline leaves them out.
      const withOld = tf.memory().numTensors;
      discardParked();
      parked = restored.session;
      parkedTensorsBefore = tensorsBefore - (withOld - tf.memory().numTensors);
      parked.setDeviceLimit(deviceLimit);
    }
    return restored.result;
  } finally {
    running = false;
  }
}

const checkpointApi: Pick<TrainerApi, 'listCheckpoints' | 'deleteCheckpoint' | 'restoreCheckpoint'> = {
  listCheckpoints: () => checkpoints.listAll(),
  deleteCheckpoint: (runId, key) => checkpoints.delete(runId, key),
  restoreCheckpoint: restore,
};

Comlink.expose({ ...api, ...checkpointApi });
