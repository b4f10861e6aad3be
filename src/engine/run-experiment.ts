import * as tf from '@tensorflow/tfjs';
import { parseExperiment, type BackendName, type ExperimentSpec } from '../experiment/spec';
import type { EpochLogs, RunStats, TrainEvent, TrainFailure, TrainOutcome } from '../experiment/protocol';
import type { ModelGraph } from '../graph/types';
import type { Dataset } from '../data/types';
import { createRng, deriveSeed } from '../data/random';
import { splitDataset } from '../data/split';
import { buildModel } from './build-model';
import { sampleShapeFor } from './compatibility';
import { EngineFailure, toFailure, type Phase } from './failures';
import { accuracyFunction, lossFunction } from './losses';
import { makeOptimizer } from './optimizers';
import { withSeededMathRandom } from './seeded-random';
import { trainLoop } from './train-loop';
import type { DeviceData } from './evaluate';

export type ModelBuilder = (graph: ModelGraph) => tf.LayersModel;

export interface RunOptions {
  /** Replaces the graph builder (tests); defaults to `buildModel`. */
  build?: ModelBuilder;
}

/**
 * Runs one experiment on the current tfjs backend: validates the spec and the graph, checks that the data
 * fits the model, trains with our loop, and disposes everything it created. It never throws for a failure a
 * user can cause: every error comes back as a typed `failure`, with the history of the epochs that finished.
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
  const history: EpochLogs[] = [];
  const owned: tf.Tensor[] = [];
  let model: tf.LayersModel | null = null;
  let optimizer: tf.Optimizer | null = null;
  let phase: Phase = 'build';
  let status: TrainOutcome['status'] = 'failed';
  let failure: TrainFailure | undefined;
  let stats: RunStats | undefined;

  try {
    const parsed = parseExperiment(spec);
    if (!parsed.ok) throw new EngineFailure('spec', 'The experiment settings are invalid.', parsed.problems);
    const { graph, data, compile, fit, seed } = parsed.spec;

    const build: ModelBuilder = options.build ?? buildModel;
    const built = withSeededMathRandom(createRng(deriveSeed(seed, 'init')), () => build(graph));
    model = built;
    const sampleShape = sampleShapeFor(built, dataset);

    const { train, validation } = splitDataset(dataset, data.validationSplit, seed);
    if (train.count === 0) {
      throw new EngineFailure(
        'data',
        `A validation split of ${data.validationSplit} leaves no training samples.`,
        ['Lower the validation split or load more samples.'],
      );
    }
    const upload = (part: Dataset): DeviceData => {
      const x = tf.tensor(part.x, [part.count, ...sampleShape]);
      owned.push(x);
      const y = tf.tensor2d(part.y, [part.count, part.classNames.length]);
      owned.push(y);
      return { x, y, count: part.count };
    };

    phase = 'train';
    optimizer = makeOptimizer(compile.optimizer, compile.learningRate);
    const trainData = upload(train);
    const validationData = validation ? upload(validation) : null;
    const stepsPerEpoch = Math.ceil(train.count / fit.batchSize);
    onEvent({
      type: 'started',
      backend: tf.getBackend() as BackendName,
      epochs: fit.epochs,
      stepsPerEpoch,
      samples: train.count,
    });

    const started = performance.now();
    const result = await trainLoop({
      model: built,
      optimizer,
      loss: lossFunction(compile.loss),
      accuracy: accuracyFunction(compile.loss, dataset.classNames.length),
      train: trainData,
      validation: validationData,
      fit,
      shuffleRng: createRng(deriveSeed(seed, 'shuffle')),
      stepRng: createRng(deriveSeed(seed, 'step')),
      onEvent,
      shouldStop,
      history,
    });
    const seconds = (performance.now() - started) / 1000;
    stats = {
      steps: result.steps,
      readbacks: result.readbacks,
      seconds,
      samplesPerSecond: seconds > 0 ? result.samples / seconds : 0,
    };
    status = result.status;
  } catch (error) {
    failure = toFailure(error, phase);
  } finally {
    for (const tensor of owned) tensor.dispose();
    optimizer?.dispose();
    model?.dispose();
  }

  return {
    status,
    history,
    ...(failure ? { failure } : {}),
    ...(stats ? { stats } : {}),
    tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
  };
}
