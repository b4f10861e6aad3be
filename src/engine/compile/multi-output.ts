import * as tf from '@tensorflow/tfjs';
import type { LossConfig } from '../../experiment/spec';
import { perSampleLoss, reduceLoss, resolveLoss, type ResolvedLoss } from './losses';

/**
 * Per-output losses and `loss_weights` for multi-output graphs, as Keras 3's CompileLoss does
 * (keras/src/trainers/compile_utils.py):
 * - one loss for the model applies to every output; a dict must name exactly the model's outputs, and an
 *   output whose loss is None is not trained;
 * - total = Σ weightᵢ · lossᵢ (weight 1 when not given); each lossᵢ is reduced on its own with
 *   sum_over_batch_size and the sample weights;
 * - with more than one loss Keras also logs each *unweighted* loss as `<output>_loss`.
 *
 * Integration: `const plan = planOutputLosses(outputNames, single, perOutput, weights)` once; inside the
 * `minimize` closure `const { total, parts } = combineOutputLosses(plan, yTrues, yPreds, sampleWeight)` and
 * return `total` (plus regularisation, ../objective.ts `withRegularization`); accumulate `parts` for the logs.
 */
export interface OutputLoss {
  output: string;
  loss: ResolvedLoss;
  weight: number;
  /** The log key of its unweighted value, or null for a single-loss model (Keras logs only `loss` then). */
  logKey: string | null;
}

export type OutputLossPlan = OutputLoss[];

export function planOutputLosses(
  outputNames: string[],
  single: LossConfig,
  perOutput?: Record<string, LossConfig | null>,
  weights?: Record<string, number>,
): OutputLossPlan {
  if (perOutput) {
    const keys = Object.keys(perOutput).sort();
    const expected = [...outputNames].sort();
    if (keys.length !== expected.length || keys.some((k, i) => k !== expected[i])) {
      throw new Error(`Expected keys [${expected.join(', ')}] in the loss dict, found [${keys.join(', ')}].`);
    }
  }
  for (const key of Object.keys(weights ?? {})) {
    if (!outputNames.includes(key))
      throw new Error(`loss_weights names ${key}, which is not a model output.`);
  }
  const plan = outputNames.flatMap((output) => {
    const config = perOutput ? perOutput[output] : single;
    if (!config) return [];
    return [{ output, loss: resolveLoss(config), weight: weights?.[output] ?? 1, logKey: null }];
  });
  if (plan.length === 0) throw new Error('No output has a loss: there is nothing to train.');
  return plan.length > 1 ? plan.map((p) => ({ ...p, logKey: `${p.output}_loss` })) : plan;
}

export interface CombinedLoss {
  /** Σ weightᵢ · lossᵢ: what the optimizer minimises. */
  total: tf.Scalar;
  /** The unweighted per-output losses, in plan order (empty for a single loss). */
  parts: tf.Scalar[];
}

/**
 * `yTrue` and `yPred` are by output name; `sampleWeight` (from class weights) applies to every output, as
 * Keras repeats one sample-weight array across outputs.
 */
export function combineOutputLosses(
  plan: OutputLossPlan,
  yTrue: Record<string, tf.Tensor>,
  yPred: Record<string, tf.Tensor>,
  sampleWeight?: tf.Tensor,
): CombinedLoss {
  const values = plan.map((p) => {
    const t = yTrue[p.output];
    const y = yPred[p.output];
    if (!t || !y) throw new Error(`No target or prediction for output ${p.output}.`);
    return reduceLoss(perSampleLoss(p.loss)(t, y), sampleWeight);
  });
  const weighted = values.map((v, i) =>
    plan[i].weight === 1 ? v : (tf.mul(v, plan[i].weight) as tf.Scalar),
  );
  const total = weighted.length === 1 ? weighted[0] : (tf.addN(weighted) as tf.Scalar);
  return { total, parts: plan.length > 1 ? values : [] };
}
