import * as tf from '@tensorflow/tfjs';
import type { BackendName, ExperimentSpec } from '../experiment/spec';
import type { BackendReport, BackendTrialView } from '../experiment/protocol';
import type { Dataset } from '../data/types';
import { AUTO_ORDER, kernelFromError, kernelGapReason, missingKernels, pickFastest } from './auto-pick';
import { tryBackend, type Attempt } from './backend';
import { DEFAULT_TRIAL_BUDGET, stepKernels, timeTrainingStep, type TrialBudget } from './backend-trial';

export interface AutoOptions {
  /** The backends to try, in order (all four by default). */
  order?: readonly BackendName[];
  budget?: TrialBudget;
  /**
   * A first timed step slower than both `ms` and `ratio` × the fastest step measured so far ends that
   * backend's turn with that one step (the CPU on a CNN takes seconds a step: it cannot win, and timing more
   * of its steps would blow the budget).
   */
  giveUp?: { ms: number; ratio: number };
  /** Starts a backend and makes it current; `tryBackend` by default. */
  start?: (name: BackendName) => Promise<Attempt>;
}

/**
 * The `auto` backend: times this experiment's training step on every backend that starts, skips those that
 * lack a kernel the step needs (naming it), and leaves the fastest current. The report carries every figure,
 * so the user sees why this backend runs. Throws only when no backend at all could run the step, which means
 * the model itself cannot train: the session then reports why.
 */
export async function autoSelectBackend(
  spec: ExperimentSpec,
  dataset: Dataset,
  options: AutoOptions = {},
): Promise<BackendReport> {
  const started = performance.now();
  const start = options.start ?? ((name: BackendName) => tryBackend(name));
  const budget = options.budget ?? DEFAULT_TRIAL_BUDGET;
  const giveUp = options.giveUp ?? GIVE_UP;
  // The CPU backend registers every kernel tfjs has, so a step profiled there lists what the model needs.
  const cpu = await start('cpu');
  if (!cpu.ok) throw new Error(`The CPU backend did not start: ${cpu.reason}`);
  const required = await stepKernels(spec, dataset);

  const trials: BackendTrialView[] = [];
  for (const backend of options.order ?? AUTO_ORDER) {
    const turnStarted = performance.now();
    const attempt = await start(backend);
    const best = fastestSoFar(trials);
    const cutoff = best ? Math.max(giveUp.ms, giveUp.ratio * best.stepMs) : Infinity;
    const result = await trial(backend, attempt, required, spec, dataset, budget, cutoff);
    trials.push({ ...result, seconds: (performance.now() - turnStarted) / 1000 } as BackendTrialView);
  }
  const pick = pickFastest(trials);
  if (!pick) {
    const reasons = trials.map((t) => (t.status === 'skipped' ? `${t.backend}: ${t.reason}` : '')).join(' ');
    throw new Error(`No backend could run a training step of this model. ${reasons}`);
  }
  const chosen = await start(pick.picked);
  if (!chosen.ok)
    throw new Error(`The fastest backend (${pick.picked}) did not start again: ${chosen.reason}`);
  return {
    backend: pick.picked,
    // Not a fallback, but a WASM pick running on one thread says why (a host without COOP/COEP, say).
    fallbackReason: chosen.notice ?? '',
    adapter: chosen.adapter,
    ...(chosen.limits ? { limits: chosen.limits } : {}),
    choice: 'auto',
    auto: {
      trials,
      picked: pick.picked,
      reason: pick.reason,
      batchSize: spec.fit.batchSize,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

async function trial(
  backend: BackendName,
  attempt: Attempt,
  required: readonly string[],
  spec: ExperimentSpec,
  dataset: Dataset,
  budget: TrialBudget,
  cutoff: number,
): Promise<DistributiveOmit<BackendTrialView, 'seconds'>> {
  if (!attempt.ok) return { backend, status: 'skipped', reason: attempt.reason };
  const missing = missingKernels(required, (kernel) => tf.getKernel(kernel, backend) !== undefined);
  if (missing.length > 0) {
    return { backend, status: 'skipped', reason: kernelGapReason(backend, missing), missingKernels: missing };
  }
  try {
    const timing = await timeTrainingStep(spec, dataset, budget, cutoff);
    return {
      backend,
      status: 'measured',
      stepMs: timing.stepMs,
      steps: timing.steps,
      samplesPerSecond: timing.samplesPerSecond,
    };
  } catch (error) {
    // A kernel the CPU profile did not list (a backend-specific path) still fails here, by name.
    const kernel = kernelFromError(error);
    if (kernel) {
      return {
        backend,
        status: 'skipped',
        reason: kernelGapReason(backend, [kernel]),
        missingKernels: [kernel],
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { backend, status: 'skipped', reason: `its trial training step failed: ${message}` };
  }
}

/** A backend is timed for one step only past both: a second, and four times the fastest step measured. */
const GIVE_UP = { ms: 1000, ratio: 4 };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function fastestSoFar(trials: readonly BackendTrialView[]): { backend: BackendName; stepMs: number } | null {
  let best: { backend: BackendName; stepMs: number } | null = null;
  for (const trial of trials) {
    if (trial.status === 'measured' && (!best || trial.stepMs < best.stepMs)) best = trial;
  }
  return best;
}

/**
 * What an auto pick depends on: the graph, the loss and optimizer, the batch size and the data. The worker
 * measures again only when one of these changed, so pressing Train twice does not time the backends twice.
 */
export function autoPickKey(spec: ExperimentSpec): string {
  return JSON.stringify([spec.graph, spec.compile, spec.fit.batchSize, spec.data]);
}
