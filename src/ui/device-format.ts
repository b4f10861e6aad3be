import type { AllocationMode } from '../experiment/spec';
import type { DeviceRow } from '../client/shared-device.svelte';

export const MODE_LABELS: Record<AllocationMode, string> = {
  growth: 'Grow on demand',
  reserve: 'Reserve up front',
};

/** Where a held figure comes from: a reservation is claimed whether used or not; growth holds what it uses. */
export function heldKind(row: DeviceRow): 'reserved' | 'measured' {
  return row.mode === 'reserve' ? 'reserved' : 'measured';
}

/** The status column: a run parked by an out-of-memory failure still holds its memory. */
export function rowStatus(row: DeviceRow): string {
  if (row.parked) return 'parked (holds memory)';
  if (row.status === 'starting' || row.status === 'training') return 'running';
  return row.status;
}

/** Held bytes as a percentage of the capacity, for the device bar (0..100). */
export function share(bytes: number, capacity: number): number {
  if (!(capacity > 0)) return 0;
  return Math.max(0, Math.min(100, (bytes / capacity) * 100));
}
