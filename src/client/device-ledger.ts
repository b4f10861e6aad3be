import type { AllocationMode } from '../experiment/spec';
import type { Remedy, TrainFailure } from '../experiment/protocol';

/**
 * One device shared by several experiments, each training in its own worker — the classic shared-GPU
 * incident, reproduced. TensorFlow on a GPU claims all of the device's memory when a process starts unless
 * memory growth is enabled, so a second job fails to allocate even when both models are small.
 *
 * - `reserve` (TensorFlow's default): an experiment claims its whole budget when it starts; a start that does
 *   not fit what the others hold fails with TensorFlow's OOM error.
 * - `growth` (memory growth): an experiment holds what it uses; its limit is the capacity less what the
 *   others hold, pushed to its worker as it changes. Usage reaches the ledger in the workers' memory events
 *   (four a second), so under growth the fence is as current as the last event, not per allocation.
 *
 * The capacity is the real one where it can be known, or one the user sets for a demonstration: WebGPU does
 * not tell a page how much memory its device has.
 */
export interface LedgerEntry {
  id: string;
  name: string;
  mode: AllocationMode;
  budgetBytes: number;
  /** What the experiment holds on the device: its budget in reserve mode, its live bytes in growth mode. */
  heldBytes: number;
  usedBytes: number;
  running: boolean;
}

export type Admission = { ok: true; limitBytes: number } | { ok: false; failure: TrainFailure };

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

export class DeviceLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  private listeners = new Set<() => void>();

  constructor(
    private capacity: number,
    readonly deviceName = 'webgpu',
  ) {}

  get capacityBytes(): number {
    return this.capacity;
  }

  setCapacity(bytes: number): void {
    this.capacity = bytes;
    this.changed();
  }

  /** What `nvidia-smi` would list: every experiment on the device with what it holds and uses. */
  list(): LedgerEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  heldBytes(): number {
    return this.list().reduce((sum, e) => sum + (e.running ? e.heldBytes : 0), 0);
  }

  /** Calls `listener` whenever limits may have changed; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An experiment starts: a reservation must fit beside what the others hold. */
  admit(id: string, name: string, mode: AllocationMode, budgetBytes: number): Admission {
    const othersHold = this.heldByOthers(id);
    const free = this.capacity - othersHold;
    if (mode === 'reserve' && budgetBytes > free) {
      return { ok: false, failure: this.reservationFailure(id, budgetBytes, othersHold) };
    }
    this.entries.set(id, {
      id,
      name,
      mode,
      budgetBytes,
      heldBytes: mode === 'reserve' ? budgetBytes : 0,
      usedBytes: 0,
      running: true,
    });
    this.changed();
    return { ok: true, limitBytes: this.limitFor(id) };
  }

  /** The experiment's live bytes, from its memory events. */
  report(id: string, usedBytes: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.usedBytes = usedBytes;
    if (entry.mode === 'growth') entry.heldBytes = usedBytes;
    this.changed();
  }

  /** The run ended: whatever it held is free again. */
  release(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.running = false;
    entry.heldBytes = 0;
    entry.usedBytes = 0;
    this.changed();
  }

  forget(id: string): void {
    this.entries.delete(id);
    this.changed();
  }

  /** How much this experiment may hold: its own budget, fenced by what the device has left. */
  limitFor(id: string): number {
    const entry = this.entries.get(id);
    const free = Math.max(0, this.capacity - this.heldByOthers(id));
    return entry ? Math.min(entry.budgetBytes, free) : free;
  }

  private heldByOthers(id: string): number {
    let held = 0;
    for (const entry of this.entries.values()) if (entry.id !== id && entry.running) held += entry.heldBytes;
    return held;
  }

  private reservationFailure(id: string, requested: number, othersHold: number): TrainFailure {
    const holders = [...this.entries.values()].filter((e) => e.id !== id && e.running && e.heldBytes > 0);
    const remedies: Remedy[] = [];
    for (const holder of holders.filter((h) => h.mode === 'reserve')) {
      remedies.push({
        text:
          `'${holder.name}' reserved ${mb(holder.heldBytes)} up front but uses ${mb(holder.usedBytes)}: enable ` +
          `memory growth for it, or lower its reservation to what it needs, and both fit.`,
      });
    }
    const free = Math.max(0, this.capacity - othersHold);
    remedies.push({
      text:
        `Enable memory growth for this experiment: it then takes memory as it needs it, within the ` +
        `${mb(free)} the device has left.`,
      action: { label: 'Apply: memory growth', patch: { allocation: 'growth' } },
    });
    const fitsMB = Math.floor(free / MB);
    if (fitsMB >= 1) {
      remedies.push({
        text: `Lower this experiment's budget to ${fitsMB} MB, what the device has left.`,
        action: { label: `Apply: budget ${fitsMB} MB`, patch: { budgetMB: fitsMB } },
      });
    }
    return {
      kind: 'resource-exhausted',
      message:
        `ResourceExhaustedError: OOM when reserving ${mb(requested)} on ${this.deviceName} — capacity ` +
        `${mb(this.capacity)}, in use ${mb(othersHold)}, requested ${mb(requested)} ` +
        `(held by ${holders.map((h) => `'${h.name}' ${mb(h.heldBytes)}`).join(', ') || 'nothing'})`,
      hints: remedies.map((r) => r.text),
      remedies,
      oom: {
        shape: [],
        dtype: 'float32',
        backend: this.deviceName,
        budgetBytes: this.capacity,
        inUseBytes: othersHold,
        requestedBytes: requested,
        layer: null,
        layerClass: null,
        op: null,
        phase: 'reservation',
      },
    };
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
