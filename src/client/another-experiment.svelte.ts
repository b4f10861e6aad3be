import { blobsExperiment } from '../experiment/defaults';
import { DEFAULT_MEMORY, type AllocationMode, type ExperimentSpec } from '../experiment/spec';
import type { SettingsPatch } from '../experiment/protocol';
import { applyPatch } from './settings-patch';
import { TrainerClient } from './trainer-client.svelte';

export type AnotherTemplate = 'copy' | 'blobs';

export const ANOTHER_TEMPLATES: { id: AnotherTemplate; label: string }[] = [
  { id: 'copy', label: 'A copy of the current experiment' },
  { id: 'blobs', label: 'Blobs MLP (tiny)' },
];

/** The spec's limits for `memory.budgetMB` (src/experiment/spec.ts). */
const MIN_BUDGET_MB = 0.1;
const MAX_BUDGET_MB = 65_536;

/** What the device is told an experiment is called: its template's name, marked as the second one. */
export function anotherName(base: string): string {
  return `${base} #2`;
}

/**
 * A second experiment on the shared device, in its own worker: a copy of the current experiment (or a
 * template) with its own budget and allocation mode, so the classic shared-GPU incident can be reproduced —
 * the first experiment reserves its budget, this one fails to reserve its own; with memory growth both run.
 */
export class AnotherExperiment {
  template = $state<AnotherTemplate>('copy');
  /** Bound to its "budget (MB)" input. */
  budgetMB = $state<number>(DEFAULT_MEMORY.budgetMB);
  /** TensorFlow's default: the whole budget is claimed when the run starts. */
  allocation = $state<AllocationMode>('reserve');
  /** Remedy settings with no field of their own here (batch size, optimizer…), applied at the next start. */
  #extra = $state.raw<SettingsPatch>({});
  readonly client: TrainerClient;

  constructor(client: TrainerClient) {
    this.client = client;
  }

  /** Why the budget field is refused, or null when it is a valid budget. */
  get budgetProblem(): string | null {
    const mb = this.budgetMB as number | null;
    if (typeof mb !== 'number' || !Number.isFinite(mb)) return 'Enter a number of megabytes.';
    if (mb < MIN_BUDGET_MB) return `The budget must be at least ${MIN_BUDGET_MB} MB.`;
    if (mb > MAX_BUDGET_MB) return `The budget must be at most ${MAX_BUDGET_MB.toLocaleString('en-US')} MB.`;
    return null;
  }

  /** The experiment it would run, given the one being edited. */
  spec(current: ExperimentSpec): ExperimentSpec {
    const base = this.template === 'copy' ? current : blobsExperiment();
    const patched = applyPatch(base, {
      ...this.#extra,
      budgetMB: this.budgetMB,
      allocation: this.allocation,
    });
    return { ...patched, name: anotherName(base.name) };
  }

  /** "Run another experiment on this device". A refused start lands in `client.failure`. */
  run(current: ExperimentSpec): void {
    if (this.client.busy || this.budgetProblem) return;
    void this.client.train(this.spec(current));
  }

  stop(): void {
    this.client.stop();
  }

  /**
   * A remedy's "Apply: …": its settings go into this experiment's fields; a run parked by an out-of-memory
   * failure resumes with them, otherwise the next start uses them.
   */
  apply(patch: SettingsPatch): void {
    if (this.client.busy) return;
    const { budgetMB, allocation, ...rest } = patch;
    if (budgetMB !== undefined) this.budgetMB = budgetMB;
    if (allocation !== undefined) this.allocation = allocation;
    this.#extra = { ...this.#extra, ...rest };
    if (this.client.resumable) void this.client.resume(patch);
  }
}
