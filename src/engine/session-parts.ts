import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../experiment/spec';
import type { SettingsPatch } from '../experiment/protocol';
import type { Dataset } from '../data/types';
import { createRng, deriveSeed } from '../data/random';
import { splitDataset } from '../data/split';
import type { DeviceData } from './evaluate';
import { EngineFailure } from './failures';
import { accuracyFunction, lossFunction } from './losses';
import type { MemoryTracker } from './memory/tracker';
import { probeMemory } from './memory/probe';
import type { MemoryModel } from './memory/estimate';
import { withSeededMathRandom } from './seeded-random';
import { trainStep } from './train-loop';

/** Pieces of TrainingSession (session.ts) that need only what they are given. */

/** Splits the dataset (the same split every time: it is seeded) and puts it on the current backend. */
export function uploadDataset(
  dataset: Dataset,
  spec: ExperimentSpec,
  sampleShape: number[],
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
  const put = (part: Dataset): DeviceData =>
    tracker.withCategory('data', () => {
      const x = tf.tensor(part.x, [part.count, ...sampleShape]);
      owned.push(x);
      const y = tf.tensor2d(part.y, [part.count, part.classNames.length]);
      owned.push(y);
      return { x, y, count: part.count };
    });
  return [put(train), validation ? put(validation) : null];
}

export interface ProbeTarget {
  spec: ExperimentSpec;
  classes: number;
  tracker: MemoryTracker;
  model: tf.LayersModel;
  sampleShape: number[];
  train: DeviceData;
  /** The session's current optimizer (the probe's reset replaces it). */
  optimizer(): tf.Optimizer;
  resetOptimizer(): void;
}

/** Measures the training step at the probe's batch sizes (see memory/probe.ts). */
export function probeSession(target: ProbeTarget): MemoryModel {
  const { spec, model, classes } = target;
  const loss = lossFunction(spec.compile.loss);
  const accuracy = accuracyFunction(spec.compile.loss, classes);
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const probeRng = createRng(deriveSeed(spec.seed, 'probe'));
  const scratch = tf.tidy(() => tf.variable(tf.zeros([2]), false));
  const sampleValues = target.sampleShape.reduce((a, b) => a * b, 1);
  try {
    return probeMemory({
      tracker: target.tracker,
      model,
      batchBytesPerSample: (sampleValues + classes) * 4,
      residentBytes: target.tracker.snapshot().byCategory.data.bytes,
      step: (batchSize) => {
        const order = tf.range(0, batchSize, 1, 'int32') as tf.Tensor1D;
        try {
          withSeededMathRandom(probeRng, () =>
            trainStep(
              { model, optimizer: target.optimizer(), loss, accuracy, train: target.train },
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
      fit: { ...fit, batchSize: patch.batchSize ?? fit.batchSize },
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
