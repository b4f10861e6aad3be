import type { EpochLogs, PausePoint, SettingsPatch } from '../experiment/protocol';
import type { TrainerStatus } from '../client/trainer-client.svelte';

export interface TrainingView {
  status: TrainerStatus;
  backend: string | null;
  epoch: number;
  epochs: number;
  history: EpochLogs[];
  failure: { message: string } | null;
  /** The patch a resumed run was continued with, and the epochs done when it was; absent for a fresh run. */
  resumedWith?: SettingsPatch | null;
  resumedAtEpoch?: number;
  /** Set when a callback (EarlyStopping…) ended the run before its planned epochs. */
  earlyStopped?: { callback: string; epoch: number; reason: string } | null;
  /** Where a paused run stands; `pausing`: a pause was asked and the current step is finishing. */
  paused?: PausePoint | null;
  pausing?: boolean;
}

/** "Paused at epoch 2, step 14/47", with the batch loss after a single step. */
export function pausedText(at: PausePoint | null | undefined): string {
  if (!at) return 'Paused.';
  const batch = at.batchLoss === undefined ? '' : ` — that batch’s loss ${formatLoss(at.batchLoss)}`;
  return `Paused at epoch ${at.epoch}, step ${at.step}/${at.stepsPerEpoch}${batch}`;
}

/** A settings patch in words: "batch size 16", "memory budget 2 MB, optimizer SGD". */
export function describePatch(patch: SettingsPatch): string {
  const parts: string[] = [];
  if (patch.epochs !== undefined) parts.push(`${patch.epochs} epochs in all`);
  if (patch.batchSize !== undefined) parts.push(`batch size ${patch.batchSize}`);
  if (patch.budgetMB !== undefined) parts.push(`memory budget ${patch.budgetMB} MB`);
  if (patch.optimizer !== undefined) parts.push(`optimizer ${patch.optimizer === 'sgd' ? 'SGD' : 'Adam'}`);
  if (patch.allocation !== undefined)
    parts.push(patch.allocation === 'growth' ? 'memory growth' : 'memory reserved up front');
  if (patch.ignoreEstimate !== undefined)
    parts.push(patch.ignoreEstimate ? 'the estimate ignored' : 'the estimate checked');
  return parts.length > 0 ? parts.join(', ') : 'the same settings';
}

export const formatLoss = (loss: number | null | undefined): string =>
  loss === null || loss === undefined || !Number.isFinite(loss) ? '—' : loss.toFixed(4);

export const formatAcc = (acc: number | null | undefined): string =>
  acc === null || acc === undefined || !Number.isFinite(acc) ? '—' : `${(acc * 100).toFixed(1)}%`;

function metrics(logs: EpochLogs | undefined): string {
  if (!logs) return '';
  const acc = logs.accuracy === undefined ? '' : `, accuracy ${formatAcc(logs.accuracy)}`;
  return `, loss ${formatLoss(logs.loss)}${acc}`;
}

/** The sentence the polite live region announces: words, not just numbers. */
export function announcement(v: TrainingView): string {
  const on = v.backend ? ` on ${v.backend}` : '';
  const last = v.history.at(-1);
  const resumed = v.resumedWith ? `Training resumed with ${describePatch(v.resumedWith)}` : null;
  switch (v.status) {
    case 'idle':
      return 'Ready to train.';
    case 'starting':
      return resumed ? `${resumed}.` : `Starting training${on}…`;
    case 'training':
      if (v.pausing) return 'Pausing after this step…';
      if (resumed && v.epoch === (v.resumedAtEpoch ?? 0)) return `${resumed}.`;
      return v.epoch === 0
        ? `Training${on}: ${v.epochs} epochs, first epoch running.`
        : `Training${on}: epoch ${v.epoch} of ${v.epochs}${metrics(last)}`;
    case 'finished':
      if (v.earlyStopped) {
        const e = v.earlyStopped;
        const name = e.callback === 'EarlyStopping' ? 'Early stopping' : e.callback;
        return `${name} at epoch ${e.epoch}: ${e.reason.replace(/\.$/, '')}. Training finished: ${v.epoch} ${v.epoch === 1 ? 'epoch' : 'epochs'}${metrics(last)}`;
      }
      return `Training finished: ${v.epoch} ${v.epoch === 1 ? 'epoch' : 'epochs'}${metrics(last)}`;
    case 'paused':
      return pausedText(v.paused);
    case 'stopped':
      return `Training stopped after epoch ${v.epoch} of ${v.epochs}${metrics(last)}`;
    case 'failed':
      return `Training failed: ${v.failure?.message ?? 'unknown error'}`;
  }
}
