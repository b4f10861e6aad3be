import {
  type CallbackConfig,
  type ExperimentSpec,
  type LossConfig,
  type MetricConfig,
  type ScheduleConfig,
} from '../../experiment/spec';
import { lossNameOf } from '../../experiment/loss-names';
import { clippingProblem, type ClipOptions } from './clipping';
import { resolveLoss, type ResolvedLoss } from './losses';
import { resolveOptimizerConfig, type ResolvedOptimizerConfig } from './optimizer-rules';
import { isVarying, piecewiseConstant } from './schedules';

/**
 * One normalised compile/fit config from a spec that may use the original fields (`compile.optimizer`,
 * `compile.learningRate`, `compile.loss`), the Keras-style ones beside them, or both. The rules:
 * - `optimizerConfig` replaces `optimizer` when present; its `learning_rate` replaces `learningRate` when
 *   set. (A patch that changes `compile.optimizer` must therefore also clear or update `optimizerConfig`.)
 * - `lossConfig` replaces `loss` when present.
 * - Per-output losses and weights come from `compile.outputLosses`/`lossWeights` (by output layer name) when
 *   set, else from the graph's `outputs` heads (`loss`, `lossWeight` by node id; a head without a loss gets
 *   the model's loss, as Keras applies one loss to every output).
 * - `metrics` absent means `['accuracy']`: what Kiln has always logged (Keras's default is none).
 * - Every Keras argument left out takes Keras's default.
 * Pure; `trainingProblems` says what Keras itself would refuse, so the UI can show it before a run.
 *
 * Integration: `const compile = resolveCompile(spec)` when a session starts (and after `apply`), then
 * `makeOptimizer(compile.optimizer, undefined, { schedule: compile.schedule, clip: compile.clip })`.
 */
export interface ResolvedCompile {
  optimizer: ResolvedOptimizerConfig;
  schedule: ScheduleConfig | undefined;
  loss: ResolvedLoss;
  outputLosses: Record<string, LossConfig | null> | undefined;
  lossWeights: Record<string, number> | undefined;
  metrics: MetricConfig[];
  clip: ClipOptions;
}

export interface ResolvedFit {
  classWeight: Record<string, number> | undefined;
  callbacks: CallbackConfig[];
  validationFreq: number | number[];
  validationSource: 'split' | 'separate';
}

export function resolveCompile(spec: ExperimentSpec): ResolvedCompile {
  const c = spec.compile;
  const optimizer = resolveOptimizerConfig(c.optimizerConfig ?? { name: c.optimizer }, c.learningRate);
  const clip: ClipOptions = {};
  if (c.clipnorm !== undefined) clip.clipnorm = c.clipnorm;
  if (c.clipvalue !== undefined) clip.clipvalue = c.clipvalue;
  if (c.global_clipnorm !== undefined) clip.global_clipnorm = c.global_clipnorm;
  return {
    optimizer,
    schedule: c.schedule,
    loss: resolveLoss(c.lossConfig ?? c.loss),
    ...outputsOf(spec, c.lossConfig ?? { name: c.loss }),
    metrics: c.metrics ?? [{ name: 'accuracy' }],
    clip,
  };
}

function outputsOf(
  spec: ExperimentSpec,
  model: LossConfig,
): Pick<ResolvedCompile, 'outputLosses' | 'lossWeights'> {
  const c = spec.compile;
  const heads = spec.graph.outputs ?? [];
  if (c.outputLosses || heads.length === 0)
    return { outputLosses: c.outputLosses, lossWeights: c.lossWeights };
  const nameOf = new Map(spec.graph.nodes.map((n) => [n.id, n.name]));
  const outputLosses: Record<string, LossConfig> = {};
  const lossWeights: Record<string, number> = { ...c.lossWeights };
  for (const head of heads) {
    const name = nameOf.get(head.nodeId) ?? head.nodeId;
    const loss = head.loss === undefined ? null : lossNameOf(head.loss);
    outputLosses[name] = loss ? { name: loss } : model;
    if (head.lossWeight !== undefined && c.lossWeights?.[name] === undefined)
      lossWeights[name] = head.lossWeight;
  }
  return { outputLosses, lossWeights };
}

export function resolveFit(spec: ExperimentSpec): ResolvedFit {
  const f = spec.fit;
  return {
    classWeight: f.classWeight,
    callbacks: f.callbacks ?? [],
    validationFreq: f.validationFreq ?? 1,
    validationSource: f.validationSource ?? 'split',
  };
}

/** What Keras would refuse at compile or fit time, as messages naming the field (empty when all is well). */
export function trainingProblems(spec: ExperimentSpec): string[] {
  const problems: string[] = [];
  const compile = resolveCompile(spec);
  const fit = resolveFit(spec);
  const clip = clippingProblem(compile.clip);
  if (clip) problems.push(`compile: ${clip}`);

  const schedule = compile.schedule;
  if (schedule?.name === 'piecewise_constant') {
    try {
      piecewiseConstant(schedule.boundaries, schedule.values);
    } catch (error) {
      problems.push(`compile.schedule: ${(error as Error).message}`);
    }
  }
  if (isVarying(schedule)) {
    for (const cb of fit.callbacks) {
      if (cb.name === 'ReduceLROnPlateau' || cb.name === 'LearningRateScheduler') {
        problems.push(
          `fit.callbacks: ${cb.name} sets the learning rate, which Keras does not allow when the optimizer ` +
            `uses a learning-rate schedule (compile.schedule = ${schedule!.name}). Remove one of them.`,
        );
      }
    }
  }

  for (const head of spec.graph.outputs ?? []) {
    if (head.loss !== undefined && !lossNameOf(head.loss)) {
      problems.push(`graph.outputs: unknown loss '${head.loss}' for output ${head.nodeId}.`);
    }
  }
  if (fit.classWeight) {
    const regression = ['mean_squared_error', 'mean_absolute_error', 'huber'].includes(compile.loss.name);
    if (regression)
      problems.push('fit.classWeight: class weights need class targets, not a regression loss.');
  }
  const names = new Set<string>();
  for (const cb of fit.callbacks) {
    if (names.has(cb.name) && cb.name !== 'ModelCheckpoint') {
      problems.push(`fit.callbacks: ${cb.name} is listed twice.`);
    }
    names.add(cb.name);
  }
  return problems;
}
