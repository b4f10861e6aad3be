import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../src/data/types';
import { autoSelectBackend } from '../src/engine/auto-backend';
import { kernelGapReason, missingKernels } from '../src/engine/auto-pick';
import { stepKernels } from '../src/engine/backend-trial';
import { DEFAULT_MEMORY, type ExperimentSpec } from '../src/experiment/spec';
import type { ModelGraph } from '../src/graph/types';
import type { AutoPickBench, BenchBackend } from './protocol';

/**
 * The bench's backend pieces that the engine already has: the kernel-gap check the auto pick makes (so the
 * loop-vs-fit table skips a backend that cannot train a model, naming the kernel) and the auto pick itself,
 * run on the MLP exactly as the worker runs it before training.
 */

/** The spec the auto pick times: the bench's batch of 64 and Adam, on the given graph. */
export function benchSpec(graph: ModelGraph, batchSize: number): ExperimentSpec {
  return {
    version: 1,
    name: 'bench',
    graph,
    data: { dataset: 'mnist', samples: batchSize, validationSplit: 0 },
    compile: { optimizer: 'adam', learningRate: 0.001, loss: 'categorical_crossentropy' },
    fit: { epochs: 1, batchSize, shuffle: true, readbackEvery: 10 },
    memory: { ...DEFAULT_MEMORY },
    backend: 'auto',
    seed: 3,
  };
}

/**
 * Why `backend` cannot train `graph` (a kernel the training step needs is not registered there), or null.
 * The kernels are listed from a profiled step on the CPU backend; `backend` is current again afterwards.
 */
export async function kernelGap(
  graph: ModelGraph,
  dataset: Dataset,
  backend: BenchBackend,
): Promise<{ reason: string; missing: string[] } | null> {
  await tf.setBackend('cpu');
  const required = await stepKernels(benchSpec(graph, 1), dataset);
  await tf.setBackend(backend);
  const missing = missingKernels(required, (kernel) => tf.getKernel(kernel, backend) !== undefined);
  return missing.length ? { reason: kernelGapReason(backend, missing), missing } : null;
}

/** The auto pick on `graph`, as the worker makes it before a run; figures per backend and the choice. */
export async function autoPickBench(
  graph: ModelGraph,
  dataset: Dataset,
  batchSize: number,
): Promise<AutoPickBench> {
  const report = await autoSelectBackend(benchSpec(graph, batchSize), dataset);
  return { picked: report.backend, adapter: report.adapter, auto: report.auto! };
}
