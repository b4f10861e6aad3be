import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { BackendName, ExperimentSpec } from '../experiment/spec';
import type { BackendReport, TrainerApi, TrainEvent, TrainOutcome } from '../experiment/protocol';
import { fetchBytes, loadDataset, MNIST_PATH } from '../data/load';
import { selectBackend } from '../engine/backend';
import { toFailure } from '../engine/failures';
import { runExperiment } from '../engine/run-experiment';

/**
 * The trainer worker: a thin comlink face over the engine. It owns three bits of state: the backend report,
 * the cached MNIST bytes (downloaded once per worker), and the stop flag of the running experiment.
 */
let backend: Promise<BackendReport> | null = null;
let mnist: Promise<ArrayBuffer> | null = null;
let stopRequested = false;
let running = false;

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

const api: TrainerApi = {
  init(preference: BackendName): Promise<BackendReport> {
    backend = selectBackend(preference);
    return backend;
  },

  async train(spec: ExperimentSpec, onEvent: (event: TrainEvent) => void): Promise<TrainOutcome> {
    const tensorsBefore = tf.memory().numTensors;
    if (running) {
      return {
        status: 'failed',
        history: [],
        failure: { kind: 'spec', message: 'An experiment is already training in this worker.', hints: [] },
        tensorsBefore,
        tensorsAfter: tensorsBefore,
      };
    }
    running = true;
    stopRequested = false;
    try {
      await (backend ??= selectBackend(spec.backend));
      const dataset = await loadDataset(spec.data, spec.seed, fetchMnist);
      return await runExperiment(spec, dataset, fireAndForget(onEvent), () => stopRequested);
    } catch (error) {
      // runExperiment reports its own failures; what lands here is loading data or starting a backend.
      const failure = toFailure(error, 'train');
      const tensorsAfter = tf.memory().numTensors;
      return { status: 'failed', history: [], failure, tensorsBefore, tensorsAfter };
    } finally {
      running = false;
    }
  },

  stop(): void {
    stopRequested = true;
  },
};

Comlink.expose(api);
