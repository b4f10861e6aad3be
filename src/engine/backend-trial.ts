import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../experiment/spec';
import type { Dataset } from '../data/types';
import { createRng, deriveSeed } from '../data/random';
import { buildModel } from './build-model';
import { createObjective } from './objective';
import { putOnDevice } from './session-parts';
import { median } from './auto-pick';
import { optimizerFor } from './run-callbacks';
import { withSeededMathRandom } from './seeded-random';
import { trainStep } from './train-loop';

/**
 * The auto pick's measuring: the experiment's real training step (its graph, batch size, optimizer and loss,
 * through the loop's own `trainStep`) run on the current backend. Everything it creates is disposed before it
 * returns, also when the step throws (a backend without a kernel the step needs).
 */

export interface TrialBudget {
  /** Timed steps at most (after one warm-up step). */
  maxSteps: number;
  /** Stop timing once this much time went into timed steps (at least one step is always timed). */
  budgetMs: number;
}

export const DEFAULT_TRIAL_BUDGET: TrialBudget = { maxSteps: 5, budgetMs: 450 };

export interface StepTiming {
  /** Median wall time of one step, the readback that waits for it included. */
  stepMs: number;
  steps: number;
  batchSize: number;
  samplesPerSecond: number;
}

interface TrialStep {
  /** Runs one training step and waits until the backend finished it. */
  run(): Promise<void>;
  dispose(): void;
}

/** The kernels one training step of the model runs, from a profiled step at batch size 1 (cheap anywhere). */
export async function stepKernels(spec: ExperimentSpec, dataset: Dataset): Promise<string[]> {
  const step = prepareStep(spec, dataset, 1);
  try {
    const profile = await tf.profile(() => step.run());
    // The profile also names the ops around kernels (e.g. "fusedMatMul__op"); only kernels can be missing.
    const backend = tf.getBackend();
    return profile.kernelNames.filter((name) => tf.getKernel(name, backend) !== undefined);
  } finally {
    step.dispose();
  }
}

/** Times the model's training step on the current backend: one warm-up step, then the median of a few. */
export async function timeTrainingStep(
  spec: ExperimentSpec,
  dataset: Dataset,
  budget: TrialBudget = DEFAULT_TRIAL_BUDGET,
  /**
   * Stop after the first timed step when it took longer than this (a backend that cannot be the fastest).
   * Never judged on the warm-up step: that one includes compiling shaders, which a steady step does not.
   */
  cutoffMs = Infinity,
): Promise<StepTiming> {
  const batchSize = spec.fit.batchSize;
  const step = prepareStep(spec, dataset, batchSize);
  try {
    // The first step compiles shaders (WebGPU, WebGL) and creates the optimizer's slots: not a steady step.
    await step.run();
    const times: number[] = [];
    const started = performance.now();
    const more = () =>
      times.length === 0 ||
      (times.length < budget.maxSteps &&
        performance.now() - started < budget.budgetMs &&
        times[0] <= cutoffMs);
    while (more()) {
      const t0 = performance.now();
      await step.run();
      times.push(performance.now() - t0);
    }
    const stepMs = median(times);
    return { stepMs, steps: times.length, batchSize, samplesPerSecond: (batchSize * 1000) / stepMs };
  } catch (error) {
    releaseFailedTape();
    throw error;
  } finally {
    step.dispose();
  }
}

/**
 * A gradient computation that throws part-way (a kernel missing from the backend) leaves tfjs's tape behind,
 * holding the copies of the forward pass's tensors it saved for backprop: tfjs releases them only after a
 * successful backward pass, and the next gradient computation replaces the tape without releasing them.
 * Released here, so a failed trial step leaks nothing.
 */
function releaseFailedTape(): void {
  const state = (tf.engine() as unknown as { state: EngineTapeState }).state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) node.saved?.forEach((tensor) => tensor.dispose());
  state.activeTape = null;
}

interface EngineTapeState {
  gradientDepth: number;
  activeTape: { saved?: tf.Tensor[] }[] | null;
}

/**
 * Builds the model and one batch (the dataset's first `batchSize` samples, repeated when it has fewer) on the
 * current backend, with a fresh optimizer: the same pieces a session trains with, minus the memory tracking.
 */
function prepareStep(spec: ExperimentSpec, dataset: Dataset, batchSize: number): TrialStep {
  const owned: tf.Tensor[] = [];
  let model: tf.LayersModel | null = null;
  let optimizer: tf.Optimizer | null = null;
  const dispose = () => {
    tf.dispose(owned);
    optimizer?.dispose();
    model?.dispose();
  };
  try {
    const rng = createRng(deriveSeed(spec.seed, 'init'));
    model = withSeededMathRandom(rng, () => buildModel(spec.graph));
    const built = model;
    const objective = createObjective(built, spec, dataset);
    const train = putOnDevice(firstBatch(dataset, batchSize), objective, true, owned);
    const order = track(owned, tf.range(0, batchSize, 1, 'int32') as tf.Tensor1D);
    const sums = track(
      owned,
      tf.tidy(() => tf.variable(tf.zeros([objective.size]), false)),
    );
    const trainable = built.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const stepRng = createRng(deriveSeed(spec.seed, 'step'));
    const made = optimizerFor(spec);
    optimizer = made;
    return {
      async run() {
        withSeededMathRandom(stepRng, () =>
          trainStep(
            { model: built, optimizer: made, objective, train },
            trainable,
            sums,
            order,
            0,
            batchSize,
          ),
        );
        await sums.data();
      },
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}

function track<T extends tf.Tensor>(owned: tf.Tensor[], tensor: T): T {
  owned.push(tensor);
  return tensor;
}

function firstBatch(dataset: Dataset, batchSize: number): Dataset {
  if (dataset.count === 0) throw new Error('The dataset has no samples to time a training step with.');
  const xWidth = dataset.x.length / dataset.count;
  const yWidth = dataset.classNames.length;
  const x = new Float32Array(batchSize * xWidth);
  const y = new Float32Array(batchSize * yWidth);
  for (let i = 0; i < batchSize; i++) {
    const source = i % dataset.count;
    x.set(dataset.x.subarray(source * xWidth, (source + 1) * xWidth), i * xWidth);
    y.set(dataset.y.subarray(source * yWidth, (source + 1) * yWidth), i * yWidth);
  }
  return { ...dataset, x, y, count: batchSize };
}
