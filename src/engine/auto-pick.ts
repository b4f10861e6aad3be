import { BACKEND_LABELS, type BackendName } from '../experiment/spec';
import type { BackendTrialView } from '../experiment/protocol';

/**
 * The auto backend's decisions, apart from the timing (backend-trial.ts) so they are plain functions: which
 * kernels a backend lacks, how a gap is worded, and which measured backend wins. No tfjs here.
 */

/** The order backends are tried in; on a tie the earlier one wins (WebGPU first, as everywhere in Kiln). */
export const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The kernels in `required` that `has` says the backend does not register, in the order required. */
export function missingKernels(required: readonly string[], has: (kernel: string) => boolean): string[] {
  return required.filter((kernel) => !has(kernel));
}

/** The kernel named by tfjs's "Kernel 'X' not registered for backend 'Y'" error, or null for any other error. */
export function kernelFromError(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  return /Kernel '([^']+)' not registered/.exec(message)?.[1] ?? null;
}

/** Why a backend that lacks kernels cannot train this model, naming each kernel. */
export function kernelGapReason(backend: BackendName, missing: readonly string[]): string {
  const kernels = missing.length === 1 ? `${missing[0]} kernel` : `kernels ${missing.join(', ')}`;
  return `tfjs's ${BACKEND_LABELS[backend]} backend has no ${kernels}, which this model's training step needs.`;
}

export interface Pick {
  picked: BackendName;
  reason: string;
}

/** The measured backend with the most samples per second (ties go to the earlier in AUTO_ORDER), and why. */
export function pickFastest(trials: readonly BackendTrialView[]): Pick | null {
  const measured = trials
    .filter((trial) => trial.status === 'measured')
    .sort(
      (a, b) =>
        b.samplesPerSecond - a.samplesPerSecond ||
        AUTO_ORDER.indexOf(a.backend) - AUTO_ORDER.indexOf(b.backend),
    );
  const [best, next] = measured;
  if (!best) return null;
  const label = BACKEND_LABELS[best.backend];
  const rate = `${formatRate(best.samplesPerSecond)} samples/s`;
  const skipped = trials.length - measured.length;
  const others = skipped > 0 ? `; ${skipped} skipped` : '';
  if (!next)
    return { picked: best.backend, reason: `${label} (${rate}) is the only backend measured${others}.` };
  const ratio = best.samplesPerSecond / next.samplesPerSecond;
  return {
    picked: best.backend,
    reason: `${label} is fastest: ${rate}, ${ratio.toFixed(2)}× ${BACKEND_LABELS[next.backend]} (${formatRate(next.samplesPerSecond)})${others}.`,
  };
}

/** 2787.4 → "2,787": whole samples per second read best in a table. */
export function formatRate(samplesPerSecond: number): string {
  return Math.round(samplesPerSecond).toLocaleString('en-US');
}
