import type { ExperimentSpec } from '../experiment/spec';
import type { GraphAnalysis } from '../graph/types';
import { Autosaver, type SaveState } from '../persistence/autosaver';
import {
  newExperimentId,
  storageProblem,
  type ExperimentEntry,
  type ExperimentLibrary,
  type StoredExperiment,
} from '../persistence/experiment-library';
import { modelNameProblem, MAX_NAME_LENGTH, type ExperimentStore } from './experiment-store.svelte';
import { experimentFromTemplate } from './experiments';

/** What startup opened: the record id it edits, whether that record is stored, and anything to tell the user. */
export interface OpenedExperiment {
  id: string;
  stored: boolean;
  /** A refused record or unavailable storage, said once at startup; null when all is well. */
  notice: string | null;
}

/** What one autosave writes. */
interface Snapshot {
  id: string;
  spec: ExperimentSpec;
  paramCount: number | null;
}

/** The model's parameters when the graph is valid (an invalid graph's totals would be a guess). */
function paramCountOf(analysis: GraphAnalysis): number | null {
  if (analysis.errors.length > 0) return null;
  return analysis.totals.trainable + analysis.totals.nonTrainable;
}

/** The header's words for the autosave state. */
export function saveStatusText(state: SaveState): string {
  switch (state.kind) {
    case 'idle':
      return 'Not edited yet';
    case 'saving':
      return 'Saving…';
    case 'saved':
      return 'Saved';
    case 'failed':
      return `Not saved: ${state.reason}`;
  }
}

/**
 * The page's side of persistence: autosaves the experiment being edited into the library and runs the
 * "My models" intents (open, rename, duplicate, delete with undo, new). Storage failures never block editing:
 * they become the save state's reason or a notice.
 */
export class SavedModels {
  readonly #library: ExperimentLibrary;
  readonly #store: ExperimentStore;
  readonly #autosaver: Autosaver<Snapshot>;
  #id: string;
  #onswitch: (spec: ExperimentSpec) => void = () => undefined;

  state = $state.raw<SaveState>({ kind: 'idle' });
  entries = $state.raw<ExperimentEntry[]>([]);
  /** Why the list could not be read, or null. */
  listProblem = $state<string | null>(null);
  /** A message that stays until dismissed: a refused record, storage unavailable. */
  notice = $state<string | null>(null);
  /** The last result of an intent in the My models dialog, announced there ("Deleted …"). */
  message = $state<string | null>(null);
  /** The record deleted last, until Undo or the next delete. */
  deleted = $state.raw<StoredExperiment | null>(null);

  constructor(library: ExperimentLibrary, store: ExperimentStore, opened: OpenedExperiment) {
    this.#library = library;
    this.#store = store;
    this.#id = opened.id;
    this.notice = opened.notice;
    this.#autosaver = new Autosaver<Snapshot>(
      {
        write: (s) => library.save(s.id, s.spec, s.paramCount),
        key: (s) => JSON.stringify(s.spec),
        onstate: (state) => (this.state = state),
        describe: storageProblem,
      },
      JSON.stringify(store.spec()),
      opened.stored,
    );
    this.state = opened.stored ? { kind: 'saved', at: Date.now() } : { kind: 'idle' };
  }

  /** The id of the record being edited. */
  get currentId(): string {
    return this.#id;
  }

  /** The editor's part of switching experiments (undo history, backend, view), registered by the page. */
  onswitch(handler: (spec: ExperimentSpec) => void): void {
    this.#onswitch = handler;
  }

  /** Call from an effect: reads the whole experiment, so every edit (graph, settings, name) schedules a save. */
  track(): void {
    const spec = this.#store.spec();
    this.#autosaver.changed({ id: this.#id, spec, paramCount: paramCountOf(this.#store.analysis) });
  }

  /** Writes a pending change now (the page is being hidden or left). */
  flush(): Promise<void> {
    return this.#autosaver.flush();
  }

  async refresh(): Promise<void> {
    try {
      this.entries = await this.#library.list();
      this.listProblem = null;
    } catch (error) {
      this.listProblem = `Saved models cannot be read: ${storageProblem(error)}.`;
    }
  }

  /** Opens a saved experiment in place of the one being edited (saved first). False when it was refused. */
  async open(id: string): Promise<boolean> {
    if (id === this.#id) return true;
    await this.flush();
    try {
      const result = await this.#library.load(id);
      if (!result) {
        this.message = 'That model is no longer saved.';
        await this.refresh();
        return false;
      }
      if (!result.ok) {
        this.message = result.reason;
        return false;
      }
      this.#switchTo(result.id, result.spec, true);
      await this.#library.setLast(result.id);
      this.message = `Opened “${result.spec.name}”.`;
      return true;
    } catch (error) {
      this.message = `Could not open it: ${storageProblem(error)}.`;
      return false;
    }
  }

  /** A new experiment from a template (or the blank canvas), stored at once so it is in the list. */
  async create(templateId: string): Promise<boolean> {
    const spec = experimentFromTemplate(templateId);
    if (!spec) return false;
    await this.flush();
    this.#switchTo(newExperimentId(), spec, false);
    // Stored at once: creating is an edit. A storage failure leaves it open, unsaved, and says why.
    const opened = this.#store.spec();
    try {
      await this.#library.save(this.#id, opened, paramCountOf(this.#store.analysis));
      this.#autosaver.reset(JSON.stringify(opened), true);
    } catch (error) {
      this.state = { kind: 'failed', reason: storageProblem(error) };
    }
    await this.refresh();
    this.message = `Created “${spec.name}”.`;
    return true;
  }

  /**
   * Something else replaced the experiment in the store (a shared link opened in the page): it becomes a new
   * record, stored once it is edited, so autosave never writes it over the model edited before — whose pending
   * edit is written first, under its own id.
   */
  adoptReplaced(): void {
    void this.flush();
    this.#id = newExperimentId();
    this.#autosaver.reset(JSON.stringify(this.#store.spec()), false);
  }

  /** Renames the model being edited (the header's name field). Returns why a name is refused, or null. */
  renameCurrent(name: string): string | null {
    return this.#store.setName(name);
  }

  /** Renames a saved model; the one being edited is renamed in the editor too (and autosaved). */
  async rename(id: string, name: string): Promise<string | null> {
    const trimmed = name.trim();
    const problem = modelNameProblem(trimmed);
    if (problem) return problem;
    try {
      if (id === this.#id) {
        this.#store.setName(trimmed);
        this.track();
        await this.flush();
      } else await this.#library.rename(id, trimmed);
      await this.refresh();
      this.message = `Renamed to “${trimmed}”.`;
      return null;
    } catch (error) {
      return `Not renamed: ${storageProblem(error)}.`;
    }
  }

  /** Saves a copy of a saved model under "<name> (copy)"; the one being edited stays open. */
  async duplicate(id: string): Promise<void> {
    if (id === this.#id) await this.flush();
    const entry = this.entries.find((e) => e.id === id);
    const name = `${entry?.name ?? 'Model'} (copy)`.slice(0, MAX_NAME_LENGTH);
    try {
      const copy = await this.#library.duplicate(id, name);
      this.message = copy ? `Saved a copy as “${name}”.` : 'That model is no longer saved.';
    } catch (error) {
      this.message = `Not copied: ${storageProblem(error)}.`;
    }
    await this.refresh();
  }

  /** Deletes a saved model other than the one being edited; Undo (`undoDelete`) puts it back. */
  async delete(id: string): Promise<void> {
    if (id === this.#id) return;
    try {
      const record = await this.#library.delete(id);
      this.deleted = record;
      this.message = record ? `Deleted “${record.name}”.` : 'That model is no longer saved.';
    } catch (error) {
      this.message = `Not deleted: ${storageProblem(error)}.`;
    }
    await this.refresh();
  }

  async undoDelete(): Promise<void> {
    const record = this.deleted;
    if (!record) return;
    try {
      await this.#library.restore(record);
      this.deleted = null;
      this.message = `Restored “${record.name}”.`;
    } catch (error) {
      this.message = `Not restored: ${storageProblem(error)}.`;
    }
    await this.refresh();
  }

  dismissNotice(): void {
    this.notice = null;
  }

  #switchTo(id: string, spec: ExperimentSpec, stored: boolean): void {
    this.#id = id;
    this.#store.load(spec);
    this.#onswitch(spec);
    this.#autosaver.reset(JSON.stringify(this.#store.spec()), stored);
  }
}
