import type { OomFactsView } from '../../experiment/protocol';

/**
 * TensorFlow's out-of-memory error, reproduced: the allocation that would cross the budget fails at that
 * allocation, and the message names the shape, dtype, device and the layer and op that asked for it.
 * The facts travel to the page unchanged, so the protocol declares their shape once.
 */
export type OomFacts = OomFactsView;

export class ResourceExhaustedError extends Error {
  override readonly name = 'ResourceExhaustedError';
  constructor(readonly facts: OomFacts) {
    super(formatOomMessage(facts));
  }
}

/** MB with one decimal, as TensorFlow's allocator logs; KB below a megabyte, where one decimal of MB says 0.0. */
export function formatMB(bytes: number): string {
  if (Math.abs(bytes) < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatOomMessage(f: OomFacts): string {
  const where = [
    f.layer ? `layer ${f.layer}${f.layerClass ? ` / ${f.layerClass}` : ''}` : null,
    f.op ? `op ${f.op}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  const verb = f.phase === 'reservation' ? 'reserving' : 'allocating tensor with';
  const what =
    f.phase === 'reservation'
      ? `${formatMB(f.requestedBytes)}`
      : `shape[${f.shape.join(',')}] and type ${f.dtype}`;
  return (
    `OOM when ${verb} ${what} on ${f.backend} — budget ${formatMB(f.budgetBytes)}, ` +
    `in use ${formatMB(f.inUseBytes)}, requested ${formatMB(f.requestedBytes)}` +
    (where ? ` (${where})` : '')
  );
}
