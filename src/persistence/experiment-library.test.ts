import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { blobsExperiment, defaultExperiment } from '../experiment/defaults';
import { ExperimentLibrary, RECORD_FORMAT, storageProblem } from './experiment-library';

let dbCount = 0;
const opened: ExperimentLibrary[] = [];

/** A library on its own database (`name` to reopen one), closed after the test. */
function libraryOn(name = `experiments-test-${++dbCount}`): { library: ExperimentLibrary; name: string } {
  const library = new ExperimentLibrary(name);
  opened.push(library);
  return { library, name };
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((l) => l.close()));
});

/** Writes a raw record straight into the database, as an older or broken Kiln might have left it. */
async function putRaw(dbName: string, record: unknown): Promise<void> {
  const db = await openDB(dbName);
  await db.put('experiments', record);
  db.close();
}

describe('ExperimentLibrary', () => {
  it('stores the whole spec and reads back an equal one, from a fresh connection', async () => {
    const { library, name } = libraryOn();
    const spec = {
      ...blobsExperiment(),
      name: 'My blobs',
      seed: 7,
      backend: 'wasm' as const,
      memory: { budgetMB: 64, allocation: 'reserve' as const, ignoreEstimate: true },
    };
    spec.graph.nodes[1] = { ...spec.graph.nodes[1], position: { x: 123.5, y: -40 } };
    await library.save('a', spec, 115, 1000);
    await library.close();

    const reopened = libraryOn(name).library;
    const result = await reopened.loadLast();
    expect(result).toEqual({ ok: true, id: 'a', spec });
    expect(await reopened.list()).toEqual([
      {
        id: 'a',
        name: 'My blobs',
        createdAt: 1000,
        savedAt: 1000,
        layerCount: spec.graph.nodes.length,
        paramCount: 115,
        problem: null,
      },
    ]);
  });

  it('keeps the first save time as createdAt and reopens the one saved last', async () => {
    const { library } = libraryOn();
    await library.save('a', defaultExperiment(), null, 1000);
    await library.save('b', blobsExperiment(), null, 2000);
    await library.save('a', { ...defaultExperiment(), name: 'A again' }, null, 3000);
    const list = await library.list();
    expect(list.map((e) => [e.id, e.name, e.createdAt, e.savedAt])).toEqual([
      ['a', 'A again', 1000, 3000],
      ['b', 'Blobs MLP', 2000, 2000],
    ]);
    expect(await library.lastId()).toBe('a');
    await library.setLast('b');
    const last = await library.loadLast();
    expect(last?.ok && last.spec.name).toBe('Blobs MLP');
  });

  it('refuses a record the schema rejects, names the problem, and keeps it', async () => {
    const { library, name } = libraryOn();
    await library.save('good', defaultExperiment(), null, 1000);
    const broken = { ...defaultExperiment(), fit: { ...defaultExperiment().fit, epochs: 'five' } };
    await putRaw(name, {
      format: RECORD_FORMAT,
      id: 'bad',
      name: 'Old model',
      createdAt: 500,
      savedAt: 2000,
      layerCount: 4,
      paramCount: null,
      spec: broken,
    });
    await library.setLast('bad');

    const result = await library.loadLast();
    expect(result?.ok).toBe(false);
    if (result?.ok !== false) throw new Error('expected a refusal');
    expect(result.name).toBe('Old model');
    expect(result.reason).toContain('“Old model”');
    expect(result.reason).toContain('fit.epochs');
    expect(result.reason).toContain('kept');

    // Still stored, unchanged, and listed with its problem; the good one is untouched.
    const list = await library.list();
    expect(list.map((e) => e.id)).toEqual(['bad', 'good']);
    expect(list[0].problem).toContain('fit.epochs');
    expect(list[1].problem).toBeNull();
    const db = await openDB(name);
    expect((await db.get('experiments', 'bad')).spec).toEqual(broken);
    db.close();
  });

  it('refuses a spec of another version and a record of another format, saying which', async () => {
    const { library, name } = libraryOn();
    await library.list(); // creates the database and its stores
    await putRaw(name, {
      format: RECORD_FORMAT,
      id: 'v9',
      name: 'Future',
      createdAt: 1,
      savedAt: 1,
      layerCount: 0,
      paramCount: null,
      spec: { ...defaultExperiment(), version: 9 },
    });
    await putRaw(name, { format: 2, id: 'f2', name: 'Other format', spec: defaultExperiment() });
    const v9 = await library.load('v9');
    expect(v9?.ok === false && v9.reason).toContain('version 9');
    const f2 = await library.load('f2');
    expect(f2?.ok === false && f2.reason).toContain('record format 2');
    // A record missing its list fields still lists, with safe values.
    const entry = (await library.list()).find((e) => e.id === 'f2');
    expect(entry).toMatchObject({ name: 'Other format', layerCount: 0, paramCount: null });
  });

  it('renames, duplicates and deletes; a deleted record restores as it was', async () => {
    const { library } = libraryOn();
    await library.save('a', defaultExperiment(), 1000, 1000);

    expect(await library.rename('a', 'Digits', 2000)).toBe(true);
    const renamed = await library.load('a');
    expect(renamed?.ok && renamed.spec.name).toBe('Digits');

    const copyId = await library.duplicate('a', 'Digits (copy)', 3000);
    expect(copyId).not.toBeNull();
    expect(copyId).not.toBe('a');
    const copy = await library.load(copyId!);
    expect(copy?.ok && copy.spec).toEqual({ ...defaultExperiment(), name: 'Digits (copy)' });
    expect((await library.list()).map((e) => [e.name, e.paramCount])).toEqual([
      ['Digits (copy)', 1000],
      ['Digits', 1000],
    ]);

    const deleted = await library.delete('a');
    expect(deleted?.name).toBe('Digits');
    expect(await library.load('a')).toBeNull();
    expect((await library.list()).map((e) => e.id)).toEqual([copyId]);
    await library.restore(deleted!);
    expect((await library.load('a'))?.ok).toBe(true);
    expect(await library.list()).toHaveLength(2);

    expect(await library.rename('missing', 'x')).toBe(false);
    expect(await library.duplicate('missing', 'x')).toBeNull();
    expect(await library.delete('missing')).toBeNull();
  });

  it('a write over the quota rejects with QuotaExceededError, worded for the page', async () => {
    const { library } = libraryOn();
    await library.save('a', defaultExperiment(), null, 1000);
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quota;
    });
    const error = await library
      .save('a', { ...defaultExperiment(), name: 'Bigger' }, null, 2000)
      .catch((e) => e);
    expect(error).toBe(quota);
    expect(storageProblem(error)).toMatch(/storage for this site is full \(QuotaExceededError\)/);
    vi.restoreAllMocks();
    // What was stored before is still there.
    const last = await library.loadLast();
    expect(last?.ok && last.spec.name).toBe('MNIST MLP');
  });
});
