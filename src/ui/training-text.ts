import type { EpochLogs } from '../experiment/protocol';
import type { TrainerStatus } from '../client/trainer-client.svelte';

export interface TrainingView {
  status: TrainerStatus;
  backend: string | null;
  epoch: number;
  epochs: number;
  history: EpochLogs[];
  failure: { message: string } | null;
}

export const formatLoss = (loss: number | null | undefined): string =>
  loss === null || loss === undefined || !Number.isFinite(loss) ? '—' : loss.toFixed(4);

export const formatAcc = (acc: number | null | undefined): string =>
  acc === null || acc === undefined || !Number.isFinite(acc) ? '—' : `${(acc * 100).toFixed(1)}%`;

function metrics(logs: EpochLogs | undefined): string {
  if (!logs) return '';
  const acc = logs.acc === undefined ? '' : `, accuracy ${formatAcc(logs.acc)}`;
  return `, loss ${formatLoss(logs.loss)}${acc}`;
}

/** The sentence the polite live region announces: words, not just numbers. */
export function announcement(v: TrainingView): string {
  const on = v.backend ? ` on ${v.backend}` : '';
  const last = v.history.at(-1);
  switch (v.status) {
    case 'idle':
      return 'Ready to train.';
    case 'starting':
      return `Starting training${on}…`;
    case 'training':
      return v.epoch === 0
        ? `Training${on}: ${v.epochs} epochs, first epoch running.`
        : `Training${on}: epoch ${v.epoch} of ${v.epochs}${metrics(last)}`;
    case 'finished':
      return `Training finished: ${v.epoch} ${v.epoch === 1 ? 'epoch' : 'epochs'}${metrics(last)}`;
    case 'stopped':
      return `Training stopped after epoch ${v.epoch} of ${v.epochs}${metrics(last)}`;
    case 'failed':
      return `Training failed: ${v.failure?.message ?? 'unknown error'}`;
  }
}
