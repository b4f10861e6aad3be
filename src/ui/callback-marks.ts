import type { CallbackEventView } from '../experiment/protocol';

/** One callback event drawn on the loss chart at its epoch (counting from 1). */
export interface ChartMark {
  event: Exclude<CallbackEventView['type'], 'warning'>;
  epoch: number;
  /** Drawn next to the mark; empty for a mark whose label would only repeat (every checkpoint but the last). */
  label: string;
  /** The accessible text (title and aria-label): what happened, in words. */
  text: string;
  /** The label's line among the labels at the same epoch, 0 at the top. */
  row: number;
}

/** A learning rate in few digits: 0.05, 0.025, 1e-4. */
export function formatRate(lr: number): string {
  if (lr !== 0 && Math.abs(lr) < 1e-3) return lr.toExponential(1).replace('.0e', 'e');
  return String(Number(lr.toPrecision(3)));
}

const formatValue = (v: number | null): string => (v === null ? '—' : String(Number(v.toPrecision(4))));

/** The loss chart's marks for a run's callback events; warnings are not marks (they are shown as notices). */
export function chartMarks(events: CallbackEventView[]): ChartMark[] {
  const lastCheckpoint = events.map((e) => e.type).lastIndexOf('checkpoint');
  const rows = new Map<number, number>();
  const marks: ChartMark[] = [];
  events.forEach((e, i) => {
    let mark: Omit<ChartMark, 'row'>;
    switch (e.type) {
      case 'stop':
        mark = {
          event: 'stop',
          epoch: e.epoch,
          label: e.callback,
          text: `${e.callback} stopped training at epoch ${e.epoch}: ${e.reason}`,
        };
        break;
      case 'lr-change':
        mark = {
          event: 'lr-change',
          epoch: e.epoch,
          label: `lr ${formatRate(e.oldLr)} → ${formatRate(e.newLr)}`,
          text: `${e.callback} changed the learning rate from ${formatRate(e.oldLr)} to ${formatRate(e.newLr)} at epoch ${e.epoch}`,
        };
        break;
      case 'checkpoint':
        mark = {
          event: 'checkpoint',
          epoch: e.epoch,
          label: i === lastCheckpoint ? 'checkpoint' : '',
          text: `checkpoint saved at epoch ${e.epoch} (${e.monitor} ${formatValue(e.value)})`,
        };
        break;
      case 'restore-best-weights':
        mark = {
          event: 'restore-best-weights',
          epoch: e.bestEpoch,
          label: 'best weights',
          text: `EarlyStopping restored the weights of epoch ${e.bestEpoch} (${formatValue(e.value)})`,
        };
        break;
      case 'warning':
        return;
    }
    const row = mark.label ? (rows.get(mark.epoch) ?? 0) : 0;
    if (mark.label) rows.set(mark.epoch, row + 1);
    marks.push({ ...mark, row });
  });
  return marks;
}

/** The callbacks' warnings, once each (a missing monitor key warns every epoch). */
export function callbackWarnings(events: CallbackEventView[]): string[] {
  return [...new Set(events.flatMap((e) => (e.type === 'warning' ? [e.message] : [])))];
}
