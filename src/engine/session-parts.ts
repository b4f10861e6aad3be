import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../experiment/spec';
import type { SettingsPatch } from '../experiment/protocol';
import type { Dataset } from '../data/types';
import { createRng, deriveSeed } from '../data/random';
import { splitDataset } from '../data/split';
import type { DeviceData } from './evaluate';
import { EngineFailure } from './failures';
import { classIndices } from './feed-plan';
import { sampleWeightsOf, type StepObjective } from './objective';
import type { MemoryTracker } from './memory/tracker';
import { probeMemory } from './memory/probe';
import type { MemoryModel } from './memory/estimate';
import { withSeededMathRandom } from './seeded-random';
import { trainStep, type StepHooks } from './train-loop';
import { createThrottle } from './throttle';
import { memoryView } from './memory/report';
import type { TrainEvent } from '../experiment/protocol';

/** Pieces of TrainingSession (session.ts) that need only what they are given. */

/**
 * Splits the dataset (the same split every time: it is seeded) and puts it on the current backend with the
 * targets the objective needs: one-hot rows, class indices for sparse losses, and the training samples' class
 * weights — each derived once here, so a step only gathers them.
 */
export function uploadDataset(
  dataset: Dataset,
  spec: ExperimentSpec,
  objective: StepObjective,
  tracker: MemoryTracker,
  owned: tf.Tensor[],
): [DeviceData, DeviceData | null] {
  const { train, validation } = splitDataset(dataset, spec.data.validationSplit, spec.seed);
  if (train.count === 0) {
    throw new EngineFailure(
      'data',
      `A validation split of ${spec.data.validationSplit} leaves no training samples.`,
      ['Lower the validation split or load more samples.'],
    );
  }
  const put = (part: Dataset, weighted: boolean): DeviceData =>
    tracker.withCategory('data', () => putOnDevice(part, objective, weighted, owned));
  // Keras applies class weights to the training loss only, never to validation.
  return [put(train, true), validation ? put(validation, false) : null];
}

export interface ProbeTarget {
  spec: ExperimentSpec;
  tracker: MemoryTracker;
  model: tf.LayersModel;
  objective: StepObjective;
  train: DeviceData;
  /** The session's current optimizer (the probe's reset replaces it). */
  optimizer(): tf.Optimizer;
  resetOptimizer(): void;
}

/** Measures the training step at the probe's batch sizes (see memory/probe.ts). */
export function probeSession(target: ProbeTarget): MemoryModel {
  const { spec, model, objective } = target;
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const probeRng = createRng(deriveSeed(spec.seed, 'probe'));
  const scratch = tf.tidy(() => tf.variable(tf.zeros([objective.size]), false));
  target.tracker.categorize(scratch, 'other');
  try {
    return probeMemory({
      tracker: target.tracker,
      model,
      batchBytesPerSample: objective.batchBytesPerSample,
      residentBytes: target.tracker.snapshot().byCategory.data.bytes,
      step: (batchSize) => {
        const order = tf.range(0, batchSize, 1, 'int32') as tf.Tensor1D;
        try {
          withSeededMathRandom(probeRng, () =>
            trainStep(
              { model, optimizer: target.optimizer(), objective, train: target.train },
              trainable,
              scratch,
              order,
              0,
              batchSize,
            ),
          );
        } finally {
          order.dispose();
        }
      },
      resetOptimizer: () => target.resetOptimizer(),
    });
  } finally {
    scratch.dispose();
  }
}

/**
 * One dataset part as device tensors shaped for the model's first input, with only the targets `objective`
 * needs; `weighted` adds the samples' class weights. Every tensor made is pushed to `owned`.
 */
export function putOnDevice(
  part: Dataset,
  objective: StepObjective,
  weighted: boolean,
  owned: tf.Tensor[],
): DeviceData {
  const { needs, classWeights } = objective;
  const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  const x = own(tf.tensor(part.x, [part.count, ...objective.feed.inputShapes[0]]));
  const y = needs.onehot ? own(tf.tensor2d(part.y, [part.count, part.classNames.length])) : null;
  const indices = needs.sparse || (weighted && classWeights) ? classIndices(part) : null;
  const labels = needs.sparse ? own(tf.tensor1d(indices!, 'int32')) : null;
  const sampleWeight =
    weighted && classWeights ? own(tf.tensor1d(sampleWeightsOf(indices!, classWeights))) : null;
  return { x, y, labels, sampleWeight, count: part.count };
}

/** Memory events are for a person watching a panel: four a second is plenty. */
const MEMORY_EVENT_INTERVAL_MS = 250;

/** Brackets each step with the tracker: its peak goes to `onPeak`, and a memory event at most 4 times a second. */
export function memoryStepHooks(
  tracker: MemoryTracker,
  budgetBytes: () => number,
  onEvent: (event: TrainEvent) => void,
  onPeak: (bytes: number) => void,
): StepHooks {
  const due = createThrottle(MEMORY_EVENT_INTERVAL_MS);
  return {
    beforeStep: () => tracker.beginStep(),
    afterStep: () => {
      const report = tracker.endStep();
      onPeak(report.peakBytes);
      if (due()) onEvent({ type: 'memory', memory: memoryView(tracker, report, budgetBytes()) });
    },
    stepFailed: () => {
      tracker.abortStep();
    },
  };
}

/**
 * The spec with a remedy's patch applied. A new optimizer name drops `compile.optimizerConfig` (its arguments
 * belong to the old one), keeping its rate; `optimizerChanged` tells the session to make a fresh optimizer.
 */
export function patchedSpec(
  spec: ExperimentSpec,
  patch: SettingsPatch,
): { spec: ExperimentSpec; optimizerChanged: boolean } {
  const { memory, fit, compile } = spec;
  const current = compile.optimizerConfig?.name ?? compile.optimizer;
  const changed = patch.optimizer !== undefined && patch.optimizer !== current;
  const { optimizerConfig, ...rest } = compile;
  return {
    optimizerChanged: changed,
    spec: {
      ...spec,
      fit: { ...fit, epochs: patch.epochs ?? fit.epochs, batchSize: patch.batchSize ?? fit.batchSize },
      compile: changed
        ? {
            ...rest,
            optimizer: patch.optimizer!,
            learningRate: optimizerConfig?.learning_rate ?? compile.learningRate,
          }
        : compile,
      memory: {
        budgetMB: patch.budgetMB ?? memory.budgetMB,
        allocation: patch.allocation ?? memory.allocation,
        ignoreEstimate: patch.ignoreEstimate ?? memory.ignoreEstimate,
      },
    },
  };
}
