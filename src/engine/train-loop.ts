import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../experiment/spec';
import type { EpochLogs, TrainEvent } from '../experiment/protocol';
import { permutation, type Rng } from '../data/random';
import { evaluateSums, type DeviceData } from './evaluate';
import { withRegularization, type AccuracyFn, type LossFn } from './losses';
import { withSeededMathRandom } from './seeded-random';
import { createThrottle } from './throttle';
import { yieldToEventLoop } from './yield';

/** At most 20 progress events a second. */
const PROGRESS_INTERVAL_MS = 50;
/** How long the loop may run without letting messages (such as `stop`) in. */
const YIELD_INTERVAL_MS = 50;

export interface LoopOptions {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  loss: LossFn;
  accuracy: AccuracyFn;
  train: DeviceData;
  validation: DeviceData | null;
  fit: ExperimentSpec['fit'];
  /** Orders the samples each epoch (when `fit.shuffle`). */
  shuffleRng: Rng;
  /** Stands in for `Math.random` during each step, so dropout masks repeat with the seed. */
  stepRng: Rng;
  onEvent: (event: TrainEvent) => void;
  shouldStop: () => boolean;
  /** Filled as epochs end, so the caller keeps the history even if a later step throws. */
  history: EpochLogs[];
}

export interface LoopResult {
  status: 'finished' | 'stopped';
  steps: number;
  /** Samples trained on, counting the short last batch of each epoch exactly. */
  samples: number;
  /** Device → host transfers: every `readbackEvery` steps plus one per epoch end. */
  readbacks: number;
}

/**
 * Our training loop (not `model.fit`): each step is `optimizer.minimize` inside `tidy`, the epoch's loss and
 * accuracy accumulate in a device-side variable, and the host reads them only every `readbackEvery` steps and
 * at the end of an epoch, because each readback drains the WebGPU queue and stalls the pipeline.
 */
export async function trainLoop(options: LoopOptions): Promise<LoopResult> {
  const { model, train, validation, fit, onEvent, shouldStop, history } = options;
  const stepsPerEpoch = Math.ceil(train.count / fit.batchSize);
  const trainable = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const progressDue = createThrottle(PROGRESS_INTERVAL_MS);
  // Sample-weighted [lossSum, accSum] for the current epoch; a variable, so `tidy` leaves it alone.
  const sums = tf.tidy(() => tf.variable(tf.zeros([2]), false));
  let steps = 0;
  let samples = 0;
  let readbacks = 0;
  let lastYield = performance.now();

  const readBack = async (tensor: tf.Tensor): Promise<Float32Array> => {
    readbacks++;
    return (await tensor.data()) as Float32Array;
  };

  try {
    for (let epoch = 1; epoch <= fit.epochs; epoch++) {
      const started = performance.now();
      const order = tf.tensor1d(epochOrder(train.count, fit.shuffle, options.shuffleRng), 'int32');
      let pendingLoss: number | null = null;
      let seen = 0;
      try {
        tf.tidy(() => sums.assign(tf.zeros([2])));
        for (let step = 1; step <= stepsPerEpoch; step++) {
          if (performance.now() - lastYield >= YIELD_INTERVAL_MS) {
            await yieldToEventLoop();
            lastYield = performance.now();
          }
          if (shouldStop()) return { status: 'stopped', steps, samples, readbacks };

          const start = (step - 1) * fit.batchSize;
          const size = Math.min(fit.batchSize, train.count - start);
          withSeededMathRandom(options.stepRng, () =>
            trainStep(options, trainable, sums, order, start, size),
          );
          steps++;
          seen += size;
          samples += size;

          if (step % fit.readbackEvery === 0 && step < stepsPerEpoch) {
            const [lossSum] = await readBack(sums);
            pendingLoss = lossSum / seen;
          }
          if (progressDue()) {
            onEvent({ type: 'progress', epoch, step, stepsPerEpoch, loss: pendingLoss });
            pendingLoss = null;
          }
        }
      } finally {
        order.dispose();
      }

      // One transfer at the epoch's end carries both the training sums and the validation sums.
      const combined = tf.tidy(() => {
        if (!validation) return sums.clone();
        const valSums = evaluateSums(model, validation, fit.batchSize, options.loss, options.accuracy);
        return tf.concat([sums, valSums]);
      });
      const values = await readBack(combined).finally(() => combined.dispose());
      const logs: EpochLogs = { loss: values[0] / seen, acc: values[1] / seen };
      if (validation) {
        logs.val_loss = values[2] / validation.count;
        logs.val_acc = values[3] / validation.count;
      }
      history.push(logs);
      onEvent({ type: 'epoch', epoch, logs, seconds: (performance.now() - started) / 1000 });
    }
    return { status: 'finished', steps, samples, readbacks };
  } finally {
    sums.dispose();
  }
}

function epochOrder(count: number, shuffle: boolean, rng: Rng): Int32Array {
  if (shuffle) return permutation(count, rng);
  return Int32Array.from({ length: count }, (_, i) => i);
}

/** One optimisation step; everything it allocates is released by `tidy` except the updated weights and sums. */
function trainStep(
  options: LoopOptions,
  trainable: tf.Variable[],
  sums: tf.Variable,
  order: tf.Tensor1D,
  start: number,
  size: number,
): void {
  const { model, optimizer, loss, accuracy, train } = options;
  tf.tidy(() => {
    const indices = tf.slice(order, start, size);
    const xb = tf.gather(train.x, indices);
    const yb = tf.gather(train.y, indices);
    let batchAcc: tf.Scalar | null = null;
    try {
      const cost = optimizer.minimize(
        () => {
          const pred = model.apply(xb, { training: true }) as tf.Tensor;
          const batchLoss = withRegularization(model, loss(yb, pred));
          // `minimize` runs this in its own tidy and keeps only the returned loss; `keep` saves the accuracy
          // computed from the same forward pass instead of running the model a second time.
          batchAcc = tf.keep(accuracy(yb, pred));
          return batchLoss;
        },
        true,
        trainable,
      );
      if (!cost || !batchAcc) throw new Error('The optimizer step returned no loss.');
      sums.assign(tf.add(sums, tf.mul(tf.stack([cost, batchAcc]), size)));
    } finally {
      // Kept tensors outlive every tidy, so this one is ours to release, also when the step throws.
      (batchAcc as tf.Scalar | null)?.dispose();
    }
  });
}
