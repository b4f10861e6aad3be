import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../experiment/spec';
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
import { trainStep, type StepHooks } from './train-loop';
import { createThrottle } from './throttle';
import { memoryView } from './memory/report';
import type { TrainEvent } from '../experiment/protocol';

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
