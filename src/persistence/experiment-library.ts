import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { EXPERIMENT_VERSION, parseExperiment, type ExperimentSpec } from '../experiment/spec';

/**
 * The envelope's own format, apart from the spec's `version`: it says how a record is laid out (which fields sit
 * beside the spec), the spec's version says what the spec means. Bump it only when the envelope changes.
 */
export const RECORD_FORMAT = 1;

/** What a record says of its experiment besides the spec: enough for the list, without parsing the spec. */
interface ExperimentFacts {
  id: string;
  name: string;
  createdAt: number;
  savedAt: number;
  layerCount: number;
  /** The model's total parameters when the graph was valid at the save; null when it was not. */
  paramCount: number | null;
}

/** What the "My models" list shows of a saved experiment, without opening it. */
export interface ExperimentEntry extends ExperimentFacts {
  /** Why the stored spec cannot be opened (old or corrupt), or null when it opens. */
  problem: string | null;
}

/** One record as stored. `spec` is typed `unknown`: whatever is on disk is checked by zod before it is used. */
export interface StoredExperiment extends ExperimentFacts {
  format: number;
  spec: unknown;
}

export type OpenResult =
  | { ok: true; id: string; spec: ExperimentSpec }
  /** The record is refused and left as it is: nothing stored is ever deleted because it failed to load. */
  | { ok: false; id: string; name: string; reason: string };

interface ExperimentDb extends DBSchema {
  experiments: { key: string; value: StoredExperiment };
  /** Small key-value facts about the library: `last` is the id of the experiment edited (or opened) last. */
  settings: { key: string; value: string };
}

export const EXPERIMENT_DB = 'kiln-experiments';
const LAST = 'last';

/** A fresh record id (randomUUID exists only in secure contexts; a LAN address is not one). */
export function newExperimentId(): string {
  return (
    globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  );
}

/**
 * The user's saved experiments in IndexedDB (database `kiln-experiments`), so a reload or a closed tab loses
 * nothing. One record per experiment, keyed by id, holding the whole spec plus what the list shows; `settings`
 * remembers which one to reopen. Reads check every spec with the zod schema and refuse, with the reason, one
 * that fails (an older Kiln's or a corrupt record), leaving it stored. Writes reject as IndexedDB does
 * (`QuotaExceededError` when the origin is full); `storageProblem` words any of them for the page.
 */
export class ExperimentLibrary {
  private db: Promise<IDBPDatabase<ExperimentDb>> | null = null;

  constructor(private readonly name: string = EXPERIMENT_DB) {}

  private open(): Promise<IDBPDatabase<ExperimentDb>> {
    this.db ??= openDB<ExperimentDb>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('experiments', { keyPath: 'id' });
        db.createObjectStore('settings');
      },
    });
    // A failed open is not cached: the next call tries again (storage may come back, or the quota free up).
    this.db.catch(() => (this.db = null));
    return this.db;
  }

  /**
   * Writes the experiment under `id` (creating or replacing it) and makes it the one to reopen. Resolves with
   * the time stored as `savedAt`.
   */
  async save(id: string, spec: ExperimentSpec, paramCount: number | null, now = Date.now()): Promise<number> {
    const db = await this.open();
    const tx = db.transaction(['experiments', 'settings'], 'readwrite');
    const experiments = tx.objectStore('experiments');
    const before = await experiments.get(id);
    void experiments.put({
      format: RECORD_FORMAT,
      id,
      name: spec.name,
      createdAt: before?.createdAt ?? now,
      savedAt: now,
      layerCount: spec.graph.nodes.length,
      paramCount,
      spec,
    });
    void tx.objectStore('settings').put(id, LAST);
    await tx.done;
    return now;
  }

  /** The stored experiment, checked; null when there is no record under `id`. */
  async load(id: string): Promise<OpenResult | null> {
    const db = await this.open();
    const record = await db.get('experiments', id);
    return record ? openRecord(record) : null;
  }

  /** The experiment edited or opened last, checked; null when there is none (or it was deleted). */
  async loadLast(): Promise<OpenResult | null> {
    const id = await this.lastId();
    return id === null ? null : this.load(id);
  }

  async lastId(): Promise<string | null> {
    const db = await this.open();
    return (await db.get('settings', LAST)) ?? null;
  }

  /** Remembers `id` as the experiment to reopen (opening one counts, even before it is edited). */
  async setLast(id: string): Promise<void> {
    const db = await this.open();
    await db.put('settings', id, LAST);
  }

  /** Every saved experiment, the most recently saved first. */
  async list(): Promise<ExperimentEntry[]> {
    const db = await this.open();
    const records = await db.getAll('experiments');
    return records.map(entryOf).sort((a, b) => b.savedAt - a.savedAt);
  }

  /** Renames a saved experiment (its list name and its spec's name); false when there is no such record. */
  async rename(id: string, name: string, now = Date.now()): Promise<boolean> {
    const db = await this.open();
    const tx = db.transaction('experiments', 'readwrite');
    const record = await tx.store.get(id);
    if (!record) return false;
    // A refused spec keeps its body untouched: only the envelope's name changes, so nothing is lost.
    const spec = isObject(record.spec) && openRecord(record).ok ? { ...record.spec, name } : record.spec;
    await tx.store.put({ ...record, name, spec, savedAt: now });
    await tx.done;
    return true;
  }

  /** Copies a saved experiment under a new id and `name`; resolves with the new id, or null when none. */
  async duplicate(id: string, name: string, now = Date.now()): Promise<string | null> {
    const db = await this.open();
    const tx = db.transaction('experiments', 'readwrite');
    const record = await tx.store.get(id);
    if (!record) return null;
    const copyId = newExperimentId();
    const spec = isObject(record.spec) && openRecord(record).ok ? { ...record.spec, name } : record.spec;
    await tx.store.put({ ...record, id: copyId, name, spec, createdAt: now, savedAt: now });
    await tx.done;
    return copyId;
  }

  /**
   * Deletes a saved experiment and resolves with the record it deleted, so the caller can offer Undo
   * (`restore`); null when there was none. The reopen pointer is left alone: a missing record opens the default.
   */
  async delete(id: string): Promise<StoredExperiment | null> {
    const db = await this.open();
    const tx = db.transaction('experiments', 'readwrite');
    const record = await tx.store.get(id);
    if (record) await tx.store.delete(id);
    await tx.done;
    return record ?? null;
  }

  /** Puts a deleted record back exactly as it was (Undo of `delete`). */
  async restore(record: StoredExperiment): Promise<void> {
    const db = await this.open();
    await db.put('experiments', record);
  }

  /** Closes the connection (tests reopen the same database to prove what persisted). */
  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    (await db)?.close();
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The stored name when the record has a usable one (a corrupt record still needs a label in the list). */
function nameOf(record: StoredExperiment): string {
  return typeof record.name === 'string' && record.name.trim() !== '' ? record.name : '(unnamed)';
}

/** Checks a stored record's envelope and spec; refuses, naming why, anything this Kiln cannot read. */
export function openRecord(record: StoredExperiment): OpenResult {
  const name = nameOf(record);
  const refuse = (why: string): OpenResult => ({
    ok: false,
    id: record.id,
    name,
    reason: `The saved model “${name}” could not be opened: ${why}. It is kept in My models, unchanged.`,
  });
  if (record.format !== RECORD_FORMAT)
    return refuse(
      `it was stored in record format ${String(record.format)}, and this Kiln reads format ${RECORD_FORMAT}`,
    );
  const version = isObject(record.spec) ? record.spec.version : undefined;
  if (typeof version === 'number' && version !== EXPERIMENT_VERSION)
    return refuse(
      `it is an experiment of version ${version}, and this Kiln reads version ${EXPERIMENT_VERSION}`,
    );
  const parsed = parseExperiment(record.spec);
  if (!parsed.ok) return refuse(`it does not match the experiment schema (${summarize(parsed.problems)})`);
  return { ok: true, id: record.id, spec: parsed.spec };
}

/** The first few schema problems, and how many more: enough to name the fault without a wall of text. */
function summarize(problems: string[]): string {
  const shown = problems.slice(0, 3).join('; ');
  return problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown;
}

function entryOf(record: StoredExperiment): ExperimentEntry {
  const opened = openRecord(record);
  return {
    id: record.id,
    name: nameOf(record),
    createdAt: Number.isFinite(record.createdAt) ? record.createdAt : 0,
    savedAt: Number.isFinite(record.savedAt) ? record.savedAt : 0,
    layerCount: Number.isFinite(record.layerCount) ? record.layerCount : 0,
    paramCount: typeof record.paramCount === 'number' ? record.paramCount : null,
    problem: opened.ok ? null : opened.reason,
  };
}

/**
 * Why a storage call failed, in words for the page. The two a user can meet: a full origin
 * (`QuotaExceededError`) and no IndexedDB at all (private windows of some browsers, storage disabled).
 */
export function storageProblem(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'QuotaExceededError')
    return "the browser's storage for this site is full (QuotaExceededError); delete saved models or checkpoints to make room";
  if (typeof indexedDB === 'undefined' || name === 'InvalidStateError' || name === 'SecurityError')
    return `this browser gives the page no IndexedDB (a private window, or storage turned off)${message ? `: ${message}` : ''}`;
  return message || 'the browser refused to store it';
}
