import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../experiment/spec';
import type { Dataset } from '../data/types';
import { classWeightTable } from './compile/class-weights';
import { metricSet, type MetricSet } from './compile/metrics';
import { combineOutputLosses, planOutputLosses } from './compile/multi-output';
import { resolveCompile, resolveFit } from './compile/resolve';
import type { DeviceData } from './evaluate';
import { EngineFailure } from './failures';
import { planFeed, type FeedPlan, type TargetKind } from './feed-plan';

/**
 * What one step optimises and what an epoch logs, built once per session from the resolved compile/fit config
 * and the model (Keras's CompileLoss + CompileMetrics):
 * - the loss the optimizer minimises: Σ weightᵢ · lossᵢ over the outputs (each with its own loss config,
 *   from_logits included, and class weights as per-sample weights) plus the layers' regularisation;
 * - one device-side vector of per-batch sums, in a fixed layout: [loss, each `<output>_loss` when there is
 *   more than one loss, each output's metric sums]. Losses are batch means times the batch size (Keras's loss
 *   trackers weight each batch by its size); metrics carry their own streaming sums (compile/metrics.ts). The
 *   loop adds a batch's vector to its running sums and reads them back only at readbacks;
 * - the epoch's logs from those sums, under Keras's keys (`loss`, `accuracy`, `precision`, `out_a_loss`,
 *   `out_a_accuracy` with several outputs, and the `val_` versions).
 */
export interface StepObjective {
  feed: FeedPlan;
  /** Length of the sums vector. */
  size: number;
  /** Which targets the data must carry on the device. */
  needs: Record<TargetKind, boolean>;
  /** Keras's class_weight as a dense per-class table, or null without class weights. */
  classWeights: Float32Array | null;
  /** Each metric's `_direction`, by log key (with and without its output prefix), for callbacks in auto mode. */
  directions: Record<string, 'up' | 'down'>;
  /** A batch of `data`, each tensor cut by `pick` (a gather by sample indices, or a slice). */
  batch(data: DeviceData, size: number, pick: (t: tf.Tensor) => tf.Tensor): DeviceBatch;
  /** The batch's total loss (what `minimize` differentiates) and its sums vector, from one forward pass. */
  evaluate(
    model: tf.LayersModel,
    batch: DeviceBatch,
    training: boolean,
  ): { loss: tf.Scalar; sums: tf.Tensor1D };
  /** The logs from sums accumulated over `count` samples; `prefix` is `val_` for validation. */
  logs(values: ArrayLike<number>, count: number, prefix?: string): Record<string, number>;
  /** Bytes of one sample in a batch: its inputs, targets and weight (the memory estimate's `batch`). */
  batchBytesPerSample: number;
}

export interface DeviceBatch {
  inputs: tf.Tensor[];
  targets: Record<TargetKind, tf.Tensor | null>;
  sampleWeight: tf.Tensor | null;
  size: number;
}

interface OutputMetrics {
  output: string;
  target: TargetKind;
  prefix: string;
  set: MetricSet;
}

export function createObjective(
  model: tf.LayersModel,
  spec: ExperimentSpec,
  dataset: Dataset,
): StepObjective {
  const compile = resolveCompile(spec);
  const fit = resolveFit(spec);
  const names = model.outputLayers.map((layer) => layer.name);
  const plan = specProblem(() =>
    planOutputLosses(names, compile.loss, compile.outputLosses, compile.lossWeights),
  );
  const feed = planFeed(model, dataset, plan);
  const several = feed.outputs.length > 1;
  const metrics: OutputMetrics[] = feed.outputs.flatMap((o) => {
    const loss = plan.find((p) => p.output === o.name)!;
    if (!o.target) return [];
    const set = metricSet(compile.metrics, { loss: loss.loss.name, outputUnits: o.units });
    return set.size === 0
      ? []
      : [{ output: o.name, target: o.target, prefix: several ? `${o.name}_` : '', set }];
  });
  const classWeights = fit.classWeight ? classWeightsFor(fit.classWeight, feed, dataset) : null;
  const needs = {
    onehot: feed.outputs.some((o) => o.target === 'onehot'),
    sparse: feed.outputs.some((o) => o.target === 'sparse'),
  };
  const lossCount = 1 + (plan.length > 1 ? plan.length : 0);
  const directions: Record<string, 'up' | 'down'> = {};
  for (const m of metrics) {
    for (const metric of m.set.metrics) {
      directions[metric.name] = metric.direction;
      directions[m.prefix + metric.name] = metric.direction;
    }
  }
  const sampleValues = feed.inputShapes[0].reduce((a, b) => a * b, 1);
  const classes = dataset.classNames.length;

  return {
    feed,
    size: lossCount + metrics.reduce((n, m) => n + m.set.size, 0),
    needs,
    classWeights,
    directions,
    batchBytesPerSample:
      4 * (sampleValues + (needs.onehot ? classes : 0) + (needs.sparse ? 1 : 0) + (classWeights ? 1 : 0)),

    batch(data, size, pick) {
      const x = pick(data.x);
      const inputs = feed.inputShapes.map((shape, i) =>
        i === 0 || sameShape(shape, feed.inputShapes[0]) ? x : tf.reshape(x, [size, ...shape]),
      );
      return {
        inputs,
        targets: {
          onehot: needs.onehot && data.y ? pick(data.y) : null,
          sparse: needs.sparse && data.labels ? pick(data.labels) : null,
        },
        sampleWeight: data.sampleWeight ? pick(data.sampleWeight) : null,
        size,
      };
    },

    evaluate(model, batch, training) {
      const raw = model.apply(batch.inputs.length === 1 ? batch.inputs[0] : batch.inputs, { training });
      const outputs = (Array.isArray(raw) ? raw : [raw]) as tf.Tensor[];
      const yPred: Record<string, tf.Tensor> = {};
      const yTrue: Record<string, tf.Tensor> = {};
      feed.outputs.forEach((o, i) => {
        yPred[o.name] = outputs[i];
        if (o.target) yTrue[o.name] = batch.targets[o.target]!;
      });
      const { total, parts } = combineOutputLosses(plan, yTrue, yPred, batch.sampleWeight ?? undefined);
      const loss = withRegularization(model, total);
      const sums = tf.concat([
        tf.mul(tf.stack([loss, ...parts]), batch.size),
        ...metrics.map((m) => m.set.batchSums(yTrue[m.output], yPred[m.output])),
      ]) as tf.Tensor1D;
      return { loss, sums };
    },

    logs(values, count, prefix = '') {
      const logs: Record<string, number> = { [`${prefix}loss`]: values[0] / count };
      if (plan.length > 1) plan.forEach((p, j) => (logs[prefix + p.logKey!] = values[1 + j] / count));
      let offset = lossCount;
      for (const m of metrics) {
        const part = Array.from(values).slice(offset, offset + m.set.size);
        Object.assign(logs, m.set.results(part, prefix + m.prefix));
        offset += m.set.size;
      }
      return logs;
    },
  };
}

/**
 * Adds the layers' regularisation penalties (kernel_regularizer etc.) to a batch loss. Keras includes them in
 * both `loss` and `val_loss`, so both paths get them here.
 */
export function withRegularization(model: tf.LayersModel, loss: tf.Scalar): tf.Scalar {
  const penalties = model.calculateLosses();
  return penalties.length === 0 ? loss : (tf.addN([loss, ...penalties]) as tf.Scalar);
}

/** Keras's `fit(class_weight=…)` needs one output (data_adapter_utils raises otherwise) and class targets. */
function classWeightsFor(
  classWeight: Record<string, number>,
  feed: FeedPlan,
  dataset: Dataset,
): Float32Array {
  if (feed.outputs.length > 1) {
    throw new EngineFailure('spec', 'fit.classWeight is only supported for models with a single output.', [
      'Remove the class weights, or train one output.',
    ]);
  }
  return specProblem(() => classWeightTable(classWeight, dataset.classNames.length));
}

/** An error of the compile/fit settings (a loss dict that misses an output…) as a `spec` failure. */
function specProblem<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof EngineFailure) throw error;
    throw new EngineFailure('spec', (error as Error).message);
  }
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The sample weights each training sample gets from the class-weight table (Keras: by its class). */
export function sampleWeightsOf(indices: Int32Array, table: Float32Array): Float32Array {
  return Float32Array.from(indices, (c) => table[c]);
}

/** Keras's `validation_freq`: every Nth epoch (epochs counted from 1), or the epochs listed. */
export function validatesOn(epoch: number, freq: ExperimentSpec['fit']['validationFreq']): boolean {
  if (freq === undefined) return true;
  return typeof freq === 'number' ? epoch % freq === 0 : freq.includes(epoch);
}
