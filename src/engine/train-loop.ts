import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../experiment/spec';
import type { EpochLogs, TrainEvent } from '../experiment/protocol';
import { permutation, type Rng } from '../data/random';
import { evaluateSums, type DeviceData } from './evaluate';
import { CHECKPOINT_INTERVAL_MS, weightVariables, type Checkpoint } from './device/checkpoint';
import { DeviceFailure, gpuFailure, type GpuErrorRecord } from './device/device-failure';
import type { DeviceGuard } from './device/guard';
import { validatesOn, type StepObjective } from './objective';
import { withSeededMathRandom } from './seeded-random';
import { createThrottle } from './throttle';
import { yieldToEventLoop } from './yield';
import type { LoopCallbacks } from './run-callbacks';

/** At most 20 progress events a second. */
const PROGRESS_INTERVAL_MS = 50;
/** How long the loop may run without letting messages (such as `stop`) in. */
const YIELD_INTERVAL_MS = 50;

/** Brackets every step so memory accounting can measure it, and clean up after one that threw. */
export interface StepHooks {
  beforeStep(): void;
  afterStep(): void;
  /** The step threw: release what it allocated. The weights are those of the last good step. */
  stepFailed(): void;
}

export const NO_HOOKS: StepHooks = { beforeStep() {}, afterStep() {}, stepFailed() {} };

export interface LoopOptions {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  /** The session's loss, metrics and log keys (objective.ts). */
  objective: StepObjective;
  train: DeviceData;
  validation: DeviceData | null;
  fit: ExperimentSpec['fit'];
  /** Orders the samples each epoch (when `fit.shuffle`). */
  shuffleRng: Rng;
  /** Stands in for `Math.random` during each step, so dropout masks repeat with the seed. */
  stepRng: Rng;
  onEvent: (event: TrainEvent) => void;
  shouldStop: () => boolean;
  /** Asked at every step boundary: true parks the run there (status `paused`); nothing is lost. */
  shouldPause?: () => boolean;
  /**
   * Pauses once `state.steps` reaches this count (single step: the steps so far + 1), and reads that last
   * batch's loss back for the result. Null or absent: no limit.
   */
  stepLimit?: number | null;
  hooks?: StepHooks;
  /**
   * Brackets each step with WebGPU error scopes and checks them at readback points (device/guard.ts); with a
   * guard the loop also keeps the last verified copy of the weights in `state.checkpoint`. Null off WebGPU.
   */
  guard?: DeviceGuard | null;
  /** The spec's Keras callbacks (run-callbacks.ts); a stop they ask for ends the run after the epoch. */
  callbacks?: LoopCallbacks | null;
}

/**
 * Where a run is, kept outside the loop so that a run interrupted by a failure (out of memory, a lost device)
 * continues from its last good step with the same epoch order, running sums and history.
 */
export interface LoopState {
  /** The epoch in progress, from 1. */
  epoch: number;
  /** Samples of this epoch already trained on. */
  seen: number;
  /** This epoch's sample order, drawn when the epoch starts. */
  order: Int32Array | null;
  /** This epoch's sums in the objective's layout (loss, output losses, metrics); a variable, so `tidy` leaves it alone. */
  sums: tf.Variable;
  /** Completed epochs. */
  history: EpochLogs[];
  steps: number;
  samples: number;
  readbacks: number;
  /** The last verified CPU copy of the weights and the position they belong to (only with a guard). */
  checkpoint: Checkpoint | null;
}

/** `sumsSize` is the objective's `size`. */
export function createLoopState(sumsSize: number): LoopState {
  return {
    epoch: 1,
    seen: 0,
    order: null,
    sums: tf.tidy(() => tf.variable(tf.zeros([sumsSize]), false)),
    history: [],
    steps: 0,
    samples: 0,
    readbacks: 0,
    checkpoint: null,
  };
}

export interface LoopResult {
  status: 'finished' | 'stopped' | 'paused';
  /** With a step limit: the mean loss of the last batch trained before the pause. */
  batchLoss?: number;
  /** A callback ended training before `fit.epochs` (status is then 'finished', as Keras's fit returns). */
  earlyStopped?: boolean;
}

/**
 * Our training loop (not `model.fit`): each step is `optimizer.minimize` inside `tidy`, the epoch's loss and
 * metric sums accumulate in a device-side variable, and the host reads them only every `readbackEvery` steps and
 * at the end of an epoch, because each readback drains the WebGPU queue and stalls the pipeline.
 */
export async function trainLoop(options: LoopOptions, state: LoopState): Promise<LoopResult> {
  const { model, objective, train, validation, fit, onEvent, shouldStop } = options;
  const hooks = options.hooks ?? NO_HOOKS;
  const trainable = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const progressDue = createThrottle(PROGRESS_INTERVAL_MS);
  let lastYield = performance.now();

  const guard = options.guard ?? null;
  const callbacks = options.callbacks ?? null;
  const variables = guard ? weightVariables(model) : [];
  const stepLimit = options.stepLimit ?? null;
  let batchLoss: number | undefined;
  const pauseHere = () =>
    options.shouldPause?.() === true || (stepLimit !== null && state.steps >= stepLimit);

  const deviceFailure = (problem: GpuErrorRecord) =>
    new DeviceFailure(gpuFailure(problem, state.steps - (state.checkpoint?.steps ?? 0)));
  /**
   * Reads `tensor` (and, when `copy`, the weights in the same queue drain), then asks the guard whether every
   * step since the last check ran clean. Values from a step the GPU rejected are never used: the loop throws a
   * DeviceFailure and the session rolls back to the checkpoint.
   */
  const readChecked = async (tensor: tf.Tensor, copy: boolean) => {
    state.readbacks++;
    let read: Float32Array[];
    try {
      const reads = [tensor, ...(copy ? variables : [])].map((t) => t.data() as Promise<Float32Array>);
      read = await Promise.all(reads);
    } catch (error) {
      const problem = guard ? await guard.verify(true) : null;
      throw problem ? deviceFailure(problem) : error;
    }
    const problem = guard ? await guard.verify() : null;
    if (problem) throw deviceFailure(problem);
    const [values, ...weights] = read;
    return { values, weights: copy ? weights : null };
  };
  const keepCheckpoint = (
    sums: number[],
    weights: Float32Array[],
    at: Pick<Checkpoint, 'epoch' | 'seen' | 'order'> = state,
  ) => {
    state.checkpoint = {
      epoch: at.epoch,
      seen: at.seen,
      order: at.order,
      sums,
      historyLength: state.history.length,
      steps: state.steps,
      weights,
      takenAt: performance.now(),
    };
  };
  /** Runs one bracketed piece of GPU work (a step, the evaluation); scopes are closed also when it throws. */
  const guarded = <T>(work: () => T): T => {
    hooks.beforeStep();
    guard?.open();
    let result: T;
    try {
      result = work();
    } catch (error) {
      try {
        guard?.close();
      } finally {
        hooks.stepFailed();
      }
      throw error;
    }
    guard?.close();
    return result;
  };

  if (guard && !state.checkpoint) {
    // The starting weights are the first good copy: a loss in the first interval rolls back to them.
    const { values, weights } = await readChecked(state.sums, true);
    keepCheckpoint(Array.from(values), weights!);
  }

  for (; state.epoch <= fit.epochs; state.epoch++) {
    const epoch = state.epoch;
    const started = performance.now();
    if (state.order === null) {
      state.order = epochOrder(train.count, fit.shuffle, options.shuffleRng);
      state.seen = 0;
      tf.tidy(() => state.sums.assign(tf.zerosLike(state.sums)));
      callbacks?.epochBegin(epoch);
    }
    const stepsPerEpoch = Math.ceil(train.count / fit.batchSize);
    const order = tf.tensor1d(state.order, 'int32');
    let pendingLoss: number | null = null;
    let stepsSinceReadback = 0;
    let stopAfterEpoch = false;
    try {
      while (state.seen < train.count && !stopAfterEpoch) {
        if (performance.now() - lastYield >= YIELD_INTERVAL_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
        if (shouldStop()) return { status: 'stopped' };
        // Everything a resume needs is in `state` (order, position, sums, history) and the session's RNGs.
        if (pauseHere()) return { status: 'paused', ...(batchLoss === undefined ? {} : { batchLoss }) };

        const size = Math.min(fit.batchSize, train.count - state.seen);
        // The last step before a step limit reports its own loss: the sums' change across it.
        const sumsBefore = stepLimit !== null && state.steps + 1 >= stepLimit ? state.sums.clone() : null;
        guarded(() =>
          withSeededMathRandom(options.stepRng, () =>
            trainStep(options, trainable, state.sums, order, state.seen, size),
          ),
        );
        hooks.afterStep();
        if (sumsBefore) {
          const change = tf.tidy(() => tf.sub(state.sums, sumsBefore));
          sumsBefore.dispose();
          const { values } = await readChecked(change, false).finally(() => change.dispose());
          batchLoss = values[0] / size;
        }
        state.steps++;
        state.seen += size;
        state.samples += size;
        stepsSinceReadback++;

        const step = Math.ceil(state.seen / fit.batchSize);
        if (stepsSinceReadback >= fit.readbackEvery && state.seen < train.count) {
          const copy =
            guard !== null && performance.now() - (state.checkpoint?.takenAt ?? 0) >= CHECKPOINT_INTERVAL_MS;
          const { values, weights } = await readChecked(state.sums, copy);
          pendingLoss = values[0] / state.seen;
          stepsSinceReadback = 0;
          if (weights) keepCheckpoint(Array.from(values), weights);
          // Keras's on_batch_end with the running mean (TerminateOnNaN); a stop still ends the epoch.
          if (callbacks?.batchEnd(epoch, step, pendingLoss)) stopAfterEpoch = true;
        }
        if (progressDue()) {
          onEvent({ type: 'progress', epoch, step, stepsPerEpoch, loss: pendingLoss });
          pendingLoss = null;
        }
      }
    } finally {
      order.dispose();
    }

    // One transfer at the epoch's end carries the training sums, the validation sums and (on WebGPU) the
    // weights for the checkpoint. Keras's validation_freq skips validation (and its val_ keys) on other epochs.
    const validate = validation !== null && validatesOn(epoch, fit.validationFreq);
    const combined = guarded(() =>
      tf.tidy(() => {
        if (!validate) return state.sums.clone();
        const valSums = evaluateSums(model, validation, fit.batchSize, objective);
        return tf.concat([state.sums, valSums]);
      }),
    );
    const { values, weights } = await readChecked(combined, guard !== null).finally(() => combined.dispose());
    hooks.afterStep();
    let logs: EpochLogs = objective.logs(values.subarray(0, objective.size), state.seen) as EpochLogs;
    if (validate) {
      Object.assign(logs, objective.logs(values.subarray(objective.size), validation.count, 'val_'));
    }
    const ended = callbacks ? await callbacks.epochEnd(epoch, logs, state.history) : null;
    if (ended) logs = ended.logs;
    state.history.push(logs);
    state.order = null;
    // Taken as of the next epoch's start, so a restore begins that epoch afresh.
    if (weights)
      keepCheckpoint(new Array<number>(objective.size).fill(0), weights, {
        epoch: epoch + 1,
        seen: 0,
        order: null,
      });
    onEvent({ type: 'epoch', epoch, logs, seconds: (performance.now() - started) / 1000 });
    if (ended) {
      ended.events.forEach(onEvent);
      if (ended.stop || stopAfterEpoch) {
        state.epoch++;
        return { status: 'finished', earlyStopped: true };
      }
    }
  }
  return { status: 'finished' };
}

function epochOrder(count: number, shuffle: boolean, rng: Rng): Int32Array {
  if (shuffle) return permutation(count, rng);
  return Int32Array.from({ length: count }, (_, i) => i);
}

/**
 * One optimisation step; everything it allocates is released by `tidy` except the updated weights and sums.
 * The batch's sums come from the same forward pass as the loss `minimize` differentiates.
 */
export function trainStep(
  options: Pick<LoopOptions, 'model' | 'optimizer' | 'objective' | 'train'>,
  trainable: tf.Variable[],
  sums: tf.Variable,
  order: tf.Tensor1D,
  start: number,
  size: number,
): void {
  const { model, optimizer, objective, train } = options;
  tf.tidy(() => {
    const indices = tf.slice(order, start, size);
    const batch = objective.batch(train, size, (t) => tf.gather(t, indices));
    let batchSums: tf.Tensor1D | null = null;
    try {
      optimizer.minimize(
        () => {
          const { loss, sums: values } = objective.evaluate(model, batch, true);
          // `minimize` runs this in its own tidy and keeps only the returned loss; `keep` saves the sums
          // computed from the same forward pass instead of running the model a second time.
          batchSums = tf.keep(values);
          return loss;
        },
        false,
        trainable,
      );
      if (!batchSums) throw new Error('The optimizer step computed no loss.');
      sums.assign(tf.add(sums, batchSums));
    } finally {
      // Kept tensors outlive every tidy, so this one is ours to release, also when the step throws.
      (batchSums as tf.Tensor1D | null)?.dispose();
    }
  });
}
