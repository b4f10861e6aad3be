import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { blobsExperiment, defaultExperiment } from '../experiment/defaults';
import { ExperimentLibrary, RECORD_FORMAT } from '../persistence/experiment-library';
import { ExperimentStore } from './experiment-store.svelte';
import { SavedModels, saveStatusText } from './saved-models.svelte';
import { startupExperiment } from './startup-experiment';

let dbCount = 0;
const opened: ExperimentLibrary[] = [];
function library(name = `saved-models-test-${++dbCount}`): ExperimentLibrary {
  const l = new ExperimentLibrary(name);
  opened.push(l);
  return l;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
});

/** The page at startup: what `main.ts` builds from the URL and the library. */
async function page(lib: ExperimentLibrary, search = '') {
  const { spec, opened } = await startupExperiment(search, lib);
  const store = new ExperimentStore(spec);
  const models = new SavedModels(lib, store, opened);
  return { store, models, opened };
}

describe('startup and autosave', () => {
  it('a fresh visit opens the default unsaved; an edit is saved and the next visit reopens it', async () => {
    const lib = library();
    const first = await page(lib);
    expect(first.store.name).toBe('MNIST MLP');
    expect(saveStatusText(first.models.state)).toBe('Not edited yet');
    expect(await lib.list()).toEqual([]);

    first.store.addLayer('Dense');
    first.store.setName('Digits, wider');
    first.models.track();
    expect(saveStatusText(first.models.state)).toBe('Saving…');
    await first.models.flush();
    expect(saveStatusText(first.models.state)).toBe('Saved');

    const second = await page(lib);
    expect(second.opened).toMatchObject({ id: first.models.currentId, stored: true, notice: null });
    expect(second.store.spec()).toEqual(first.store.spec());
  });

  it('an experiment a link put in the store becomes a new model: the one edited before keeps its own edits', async () => {
    const lib = library();
    const { store, models } = await page(lib);
    store.setName('Mine');
    models.track();
    const mine = models.currentId;
    // A link opens (ShareState loads the store, then tells the models) before the debounce wrote "Mine".
    store.load({ ...blobsExperiment(), name: 'From a link' });
    models.adoptReplaced();
    models.track();
    expect(models.currentId).not.toBe(mine);
    expect(saveStatusText(models.state)).toBe('Not edited yet');
    store.setName('From a link, edited');
    models.track();
    await models.flush();
    const names = Object.fromEntries((await lib.list()).map((e) => [e.id, e.name]));
    expect(names).toEqual({ [mine]: 'Mine', [models.currentId]: 'From a link, edited' });
  });

  it('?experiment= wins over the last saved experiment', async () => {
    const lib = library();
    await lib.save('a', { ...defaultExperiment(), name: 'Saved one' }, null);
    const { store, opened } = await page(lib, '?experiment=blobs');
    expect(store.spec()).toEqual(blobsExperiment());
    expect(opened.stored).toBe(false);
  });

  it('a last record the schema refuses opens the default with a notice naming it, and stays stored', async () => {
    const name = `saved-models-test-${++dbCount}`;
    const lib = library(name);
    await lib.list();
    const db = await openDB(name);
    await db.put('experiments', {
      format: RECORD_FORMAT,
      id: 'old',
      name: 'Old model',
      createdAt: 1,
      savedAt: 1,
      layerCount: 1,
      paramCount: null,
      spec: { ...defaultExperiment(), graph: { nodes: 'not a list', edges: [] } },
    });
    await db.put('settings', 'old', 'last');
    db.close();

    const { store, opened } = await page(lib);
    expect(store.spec()).toEqual(defaultExperiment());
    expect(opened.notice).toContain('“Old model”');
    expect(opened.notice).toContain('graph.nodes');
    expect(opened.notice).toContain('opened the default');
    expect((await lib.list()).map((e) => e.id)).toEqual(['old']);
  });
});

describe('My models intents', () => {
  it('opens, duplicates, renames and deletes with undo; the open model cannot be deleted', async () => {
    const lib = library();
    const { store, models } = await page(lib);
    await lib.save('blobs', blobsExperiment(), 115, 1000);
    store.setName('Edited default');
    models.track();
    await models.flush();
    const defaultId = models.currentId;

    let switched = 0;
    models.onswitch(() => (switched += 1));
    expect(await models.open('blobs')).toBe(true);
    expect(switched).toBe(1);
    expect(store.name).toBe('Blobs MLP');
    expect(models.currentId).toBe('blobs');
    expect(await lib.lastId()).toBe('blobs');

    await models.refresh();
    await models.duplicate('blobs');
    expect(models.entries.map((e) => e.name)).toContain('Blobs MLP (copy)');

    expect(await models.rename('blobs', '  ')).toMatch(/needs a name/);
    expect(await models.rename('blobs', 'Two blobs')).toBeNull();
    expect(store.name).toBe('Two blobs');
    expect(await lib.load('blobs')).toMatchObject({ ok: true, spec: { name: 'Two blobs' } });

    await models.delete('blobs');
    expect((await lib.load('blobs'))?.ok).toBe(true);
    await models.delete(defaultId);
    expect(models.entries.map((e) => e.name)).not.toContain('Edited default');
    await models.undoDelete();
    expect(models.entries.map((e) => e.name)).toContain('Edited default');
  });

  it('New from a template opens it and stores it at once', async () => {
    const lib = library();
    const { store, models } = await page(lib);
    expect(await models.create('small-cnn')).toBe(true);
    expect(store.name).toBe('Small CNN');
    expect(models.entries.map((e) => e.name)).toEqual(['Small CNN']);
    expect(models.entries[0].paramCount).toBeGreaterThan(0);
    expect(saveStatusText(models.state)).toBe('Saved');
  });
});
