import type { AllocationMode, ExperimentSpec } from '../experiment/spec';
import type { TrainFailure } from '../experiment/protocol';
import { AnotherExperiment } from './another-experiment.svelte';
import { DeviceLedger, type LedgerEntry } from './device-ledger';
import type { DeviceSeat } from './device-seat';
import { TrainerClient, type TrainerStatus } from './trainer-client.svelte';

const MB = 1024 * 1024;
export const DEFAULT_CAPACITY_MB = 1024;
export const MIN_CAPACITY_MB = 0.1;
export const MAX_CAPACITY_MB = 1_048_576;

/** What the device needs of an experiment's client: its status, and a way to fence its worker. */
export interface DeviceClient {
  readonly status: TrainerStatus;
  readonly resumable: boolean;
  attachDevice(seat: DeviceSeat | null): void;
  setDeviceLimit(bytes: number | null): void;
}

/** One experiment as the device view lists it (what `nvidia-smi` shows for a process). */
export interface DeviceRow {
  id: string;
  name: string;
  mode: AllocationMode;
  status: TrainerStatus;
  /** The run (or its parked state) is on the device. */
  onDevice: boolean;
  /** An out-of-memory failure parked the run: it keeps its tensors, so it keeps its memory. */
  parked: boolean;
  /** What it holds: its whole budget in reserve mode (reserved), its live bytes in growth mode (measured). */
  heldBytes: number;
  /** Its live tensor bytes from the last memory event (measured). */
  usedBytes: number;
  budgetBytes: number;
  /** The limit pushed to its worker: its budget fenced by what the device has left. */
  limitBytes: number | null;
}

/** What an experiment last asked the device for, kept so a refused start is still listed. */
interface Member {
  id: string;
  name: string;
  client: DeviceClient;
  mode: AllocationMode;
  budgetBytes: number;
  /** When it first asked the device for room (the view lists only those, in that order, like `nvidia-smi`). */
  askedOrder: number | null;
  /** The limit last pushed to the worker, so a ledger change sends only what changed. */
  pushed: number | null;
}

/**
 * One device shared by the experiments on this page, each training in its own worker: the capacity the user
 * sets (WebGPU does not tell a page how much memory its device has, so it is a demonstration capacity), the
 * ledger that admits, measures and releases the runs, and the limits pushed to each worker as the others'
 * holdings change.
 */
export class SharedDevice {
  readonly ledger: DeviceLedger;
  /** "Run another experiment on this device": a second experiment in its own worker. */
  readonly another: AnotherExperiment;
  #capacityMB = $state<number>(DEFAULT_CAPACITY_MB);
  /** The capacity the ledger enforces: the last valid figure typed. */
  #capacityBytes = $state(DEFAULT_CAPACITY_MB * MB);
  #entries = $state.raw<LedgerEntry[]>([]);
  #members = $state.raw<Member[]>([]);
  #asks = 0;

  constructor(capacityMB = DEFAULT_CAPACITY_MB, anotherClient: TrainerClient = new TrainerClient()) {
    this.#capacityMB = capacityMB;
    this.#capacityBytes = capacityMB * MB;
    this.ledger = new DeviceLedger(capacityMB * MB);
    this.ledger.subscribe(() => this.#onLedgerChange());
    this.another = new AnotherExperiment(anotherClient);
    this.join('another', 'Another experiment', anotherClient);
  }

  /** Ends the workers this device started (page teardown). */
  dispose(): void {
    this.another.client.dispose();
  }

  /** Bound to the "Device capacity (MB)" input; a valid figure takes effect at once. */
  get capacityMB(): number {
    return this.#capacityMB;
  }
  set capacityMB(value: number) {
    this.#capacityMB = value;
    if (capacityProblem(value) !== null) return;
    this.#capacityBytes = value * MB;
    this.ledger.setCapacity(value * MB);
  }

  /** Why the capacity field is refused, or null when it is a valid capacity. */
  get capacityProblem(): string | null {
    return capacityProblem(this.#capacityMB);
  }

  get capacityBytes(): number {
    return this.#capacityBytes;
  }

  /** Every experiment that asked the device for room, in the order they first asked, with what they hold and use. */
  get rows(): DeviceRow[] {
    return this.#members
      .filter((m) => m.askedOrder !== null)
      .sort((a, b) => a.askedOrder! - b.askedOrder!)
      .map((m) => {
        const entry = this.#entries.find((e) => e.id === m.id);
        const onDevice = entry?.running ?? false;
        return {
          id: m.id,
          name: entry?.name ?? m.name,
          mode: entry?.mode ?? m.mode,
          status: m.client.status,
          onDevice,
          parked: onDevice && m.client.resumable,
          heldBytes: onDevice ? entry!.heldBytes : 0,
          usedBytes: onDevice ? entry!.usedBytes : 0,
          budgetBytes: entry?.budgetBytes ?? m.budgetBytes,
          limitBytes: onDevice ? m.pushed : null,
        };
      });
  }

  /** What the experiments on the device hold together (reservations plus growth-mode live bytes). */
  get heldBytes(): number {
    return this.rows.reduce((sum, r) => sum + r.heldBytes, 0);
  }
  /** What they use together, measured. */
  get usedBytes(): number {
    return this.rows.reduce((sum, r) => sum + r.usedBytes, 0);
  }

  /**
   * `client` takes part in this device under `id`: its runs are admitted before they start (by the spec's
   * allocation mode and budget), report their live bytes, release what they held when they end, and get
   * their worker's limit pushed whenever the ledger changes.
   */
  join(id: string, name: string, client: DeviceClient): void {
    if (this.#members.some((m) => m.id === id)) throw new Error(`'${id}' is already on this device`);
    const member: Member = {
      id,
      name,
      client,
      mode: 'growth',
      budgetBytes: 0,
      askedOrder: null,
      pushed: null,
    };
    this.#members = [...this.#members, member];
    client.attachDevice(this.#seat(member));
  }

  /** Leaves the device: what it held is freed and its worker is no longer fenced. */
  leave(id: string): void {
    const member = this.#members.find((m) => m.id === id);
    if (!member) return;
    member.client.attachDevice(null);
    member.client.setDeviceLimit(null);
    this.#members = this.#members.filter((m) => m !== member);
    this.ledger.forget(id);
  }

  #seat(member: Member): DeviceSeat {
    return {
      admit: (spec: ExperimentSpec): TrainFailure | null => {
        const name = spec.name.trim() || member.name;
        member.mode = spec.memory.allocation;
        member.budgetBytes = spec.memory.budgetMB * MB;
        member.name = name;
        member.askedOrder ??= ++this.#asks;
        this.#members = [...this.#members];
        const admission = this.ledger.admit(member.id, name, member.mode, member.budgetBytes);
        return admission.ok ? null : admission.failure;
      },
      report: (liveBytes: number) => this.ledger.report(member.id, liveBytes),
      release: () => this.ledger.release(member.id),
    };
  }

  /** Mirrors the ledger for the view and fences every worker on the device with what is left for it. */
  #onLedgerChange(): void {
    const entries = this.ledger.list();
    for (const member of this.#members) {
      const running = entries.some((e) => e.id === member.id && e.running);
      const limit = running ? this.ledger.limitFor(member.id) : null;
      if (limit === member.pushed) continue;
      member.pushed = limit;
      member.client.setDeviceLimit(limit);
    }
    this.#entries = entries;
  }
}

function capacityProblem(mb: number | null): string | null {
  if (typeof mb !== 'number' || !Number.isFinite(mb)) return 'Enter a number of megabytes.';
  if (mb < MIN_CAPACITY_MB) return `The capacity must be at least ${MIN_CAPACITY_MB} MB.`;
  if (mb > MAX_CAPACITY_MB)
    return `The capacity must be at most ${MAX_CAPACITY_MB.toLocaleString('en-US')} MB.`;
  return null;
}
