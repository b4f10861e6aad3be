import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../../experiment/spec';
import type { MemoryView, Remedy, TrainFailure } from '../../experiment/protocol';
import { analyzeGraph } from '../../graph';
import type { MemoryModel } from './estimate';
import { rankRemedies } from './hints';
import { formatMB, type ResourceExhaustedError } from './oom-error';
import type { LeakedTensor, MemoryTracker, StepMemoryReport } from './tracker';

/** Turns the engine's memory facts into the plain data the worker sends to the page. */

export function oomFailure(
  error: ResourceExhaustedError,
  context: { memoryModel: MemoryModel | null; spec: ExperimentSpec; leaks: LeakedTensor[] },
): TrainFailure {
  const { spec, memoryModel } = context;
  const remedies: Remedy[] = memoryModel
    ? rankRemedies({
        model: memoryModel,
        graph: spec.graph,
        analysis: analyzeGraph(spec.graph),
        batchSize: spec.fit.batchSize,
        budgetBytes: error.facts.budgetBytes,
        optimizer: spec.compile.optimizer,
        allocation: spec.memory.allocation,
        leaks: context.leaks,
      })
    : fallbackRemedies(error, spec);
  const refused = error.facts.phase === 'preflight';
  return {
    kind: 'resource-exhausted',
    message: `ResourceExhaustedError: ${error.message}`,
    ...(refused
      ? { detail: 'Not started: the pre-flight estimate of one training step does not fit the budget.' }
      : {}),
    hints: remedies.map((r) => r.text),
    remedies,
    oom: { ...error.facts },
  };
}

/** Before a step was measured (the model or the data did not fit), the advice can only be about sizes. */
function fallbackRemedies(error: ResourceExhaustedError, spec: ExperimentSpec): Remedy[] {
  const needed = Math.ceil(((error.facts.inUseBytes + error.facts.requestedBytes) * 1.25) / (1024 * 1024));
  return [
    {
      text:
        `The allocation of ${formatMB(error.facts.requestedBytes)} happened before training started: ` +
        `load fewer samples than ${spec.data.samples}, or use a smaller model.`,
    },
    {
      text: `Raise the memory budget to at least ${needed} MB.`,
      action: { label: `Apply: budget ${needed} MB`, patch: { budgetMB: needed } },
    },
  ];
}

export function memoryView(tracker: MemoryTracker, step: StepMemoryReport, budgetBytes: number): MemoryView {
  const snapshot = tracker.snapshot();
  const info = tf.memory() as tf.MemoryInfo & {
    numBytesAllocatedInGPU?: number;
    numBytesInGPUAllocated?: number;
  };
  return {
    liveBytes: snapshot.liveBytes,
    liveTensors: snapshot.liveTensors,
    byCategory: snapshot.byCategory,
    stepPeakBytes: step.peakBytes,
    stepDeltaBytes: step.deltaBytes,
    budgetBytes,
    backendAllocatedBytes: info.numBytesAllocatedInGPU ?? info.numBytesInGPUAllocated ?? null,
    leaks: snapshot.leaks.slice(-20),
    layerBytes: snapshot.layerBytes,
  };
}
