import * as tf from '@tensorflow/tfjs';
import { parseExperiment, type ExperimentSpec } from '../experiment/spec';
import type { TrainEvent, TrainFailure, TrainOutcome } from '../experiment/protocol';
import type { Dataset } from '../data/types';
import { EngineFailure, toFailure } from './failures';
import { ResourceExhaustedError } from './memory/oom-error';
import { oomFailure } from './memory/report';
import { TrainingSession, type ModelBuilder, type SessionOptions } from './session';

export type { ModelBuilder } from './session';

export interface RunOptions {
  /** Replaces the graph builder (tests); defaults to `buildModel`. */
  build?: ModelBuilder;
  /** The session's options: where its checkpoints go and under which run id (see session.ts). */
  session?: SessionOptions;
}

export type SessionResult =
  { session: TrainingSession; failure?: undefined } | { session: null; failure: TrainFailure };

/**
 * Validates the spec and opens a session (model built, data on the device). A failure a user can cause comes
 * back as a typed failure: a bad spec, a bad graph, data that does not fit the model, a budget too small even
 * for the weights or the dataset.
 */
export function openSession(spec: ExperimentSpec, dataset: Dataset, options: RunOptions = {}): SessionResult {
  const parsed = parseExperiment(spec);
  if (!parsed.ok) {
    return {
      session: null,
      failure: toFailure(
        new EngineFailure('spec', 'The experiment settings are invalid.', parsed.problems),
        'build',
      ),
    };
  }
  try {
    return { session: TrainingSession.create(parsed.spec, dataset, options.build, options.session) };
  } catch (error) {
    if (error instanceof ResourceExhaustedError) {
      return {
        session: null,
        failure: oomFailure(error, { memoryModel: null, spec: parsed.spec, leaks: [] }),
      };
    }
    return { session: null, failure: toFailure(error, 'build') };
  }
}

/**
 * Runs one experiment start to end and disposes everything it created; the worker keeps sessions alive to
 * resume them instead (see session.ts). It never throws for a failure a user can cause.
 *
 * Reproducibility: the seed fixes the validation split, the shuffling order, weight initialisation and
 * dropout masks (see seeded-random.ts). On the CPU backend two runs with one seed match exactly; GPU
 * backends may still differ in the last bits because their reductions are not ordered.
 */
export async function runExperiment(
  spec: ExperimentSpec,
  dataset: Dataset,
  onEvent: (event: TrainEvent) => void,
  shouldStop: () => boolean,
  options: RunOptions = {},
): Promise<TrainOutcome> {
  const tensorsBefore = tf.memory().numTensors;
  const opened = openSession(spec, dataset, options);
  if (!opened.session) {
    return {
      status: 'failed',
      history: [],
      failure: opened.failure,
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
    };
  }
  try {
    const outcome = await opened.session.run(onEvent, shouldStop);
    opened.session.dispose();
    return { ...outcome, resumable: false, tensorsBefore, tensorsAfter: tf.memory().numTensors };
  } catch (error) {
    opened.session.dispose();
    throw error;
  }
}
