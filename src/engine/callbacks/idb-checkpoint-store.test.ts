import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { metaOf, type Checkpoint } from './checkpoint-store';
import { IdbCheckpointStore } from './idb-checkpoint-store';

let dbCount = 0;
const opened: IdbCheckpointStore[] = [];

/** A store on its own database (`name` to reopen one), closed after the test. */
function storeOn(name = `test-${++dbCount}`): IdbCheckpointStore {
  const store = new IdbCheckpointStore(name);
  opened.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

function checkpoint(runId: string, key: string, epoch: number, savedAt: number, fill = epoch): Checkpoint {
  const kernel = new Float32Array([fill, fill + 0.5, -fill]);
  return {
    runId,
    key,
    epoch,
    monitor: 'val_loss',
    value: 1 / epoch,
    weightsOnly: false,
    savedAt,
    bytes: kernel.byteLength + 4,
    weights: [{ name: 'dense/kernel', shape: [3, 1], dtype: 'float32', data: kernel }],
    optimizer: [{ name: 'iter', shape: [], dtype: 'int32', data: new Int32Array([epoch * 10]) }],
  };
}

describe('IdbCheckpointStore', () => {
  it('puts and gets a checkpoint with its typed arrays intact', async () => {
    const store = storeOn();
    await store.put(checkpoint('r1', 'ckpt-2', 2, 100));
    const back = await store.get('r1', 'ckpt-2');
    expect(back?.epoch).toBe(2);
    expect(back?.weights[0].data).toBeInstanceOf(Float32Array);
    expect(Array.from(back!.weights[0].data)).toEqual([2, 2.5, -2]);
    expect(back?.optimizer?.[0].data).toBeInstanceOf(Int32Array);
    expect(Array.from(back!.optimizer![0].data)).toEqual([20]);
    expect(await store.get('r1', 'missing')).toBeNull();
  });

  it('keeps the epoch history, learning rate and random-stream position a restore continues from', async () => {
    const store = storeOn();
    const history = [
      { loss: 0.9, accuracy: 0.5 },
      { loss: 0.7, accuracy: 0.6, learning_rate: 0.01 },
    ];
    const rngDraws = { shuffle: 384, step: 12 };
    await store.put({ ...checkpoint('r1', 'ckpt-2', 2, 100), history, learningRate: 0.005, rngDraws });
    const back = await store.get('r1', 'ckpt-2');
    expect(back?.history).toEqual(history);
    expect(back?.learningRate).toBe(0.005);
    expect(back?.rngDraws).toEqual(rngDraws);
    // Listing stays the metadata only.
    expect(Object.keys((await store.list('r1'))[0])).not.toContain('history');
  });

  it('reads a record an earlier Kiln wrote (no history, no learning rate) as it was', async () => {
    const name = `test-${++dbCount}`;
    await storeOn(name).list('r1'); // creates the database with the current schema
    const old = checkpoint('r1', 'ckpt-1', 1, 100);
    const db = await openDB(name, 1);
    await db.put('meta', metaOf(old));
    await db.put('data', { runId: 'r1', key: 'ckpt-1', weights: old.weights, optimizer: old.optimizer });
    db.close();
    const back = await storeOn(name).get('r1', 'ckpt-1');
    expect(back).toEqual(old);
    expect(back).not.toHaveProperty('history');
  });

  it('lists a run newest first, and the same key overwrites', async () => {
    const store = storeOn();
    await store.put(checkpoint('r1', 'checkpoint', 1, 100));
    await store.put(checkpoint('r1', 'other', 2, 200));
    await store.put(checkpoint('r1', 'checkpoint', 3, 300));
    await store.put(checkpoint('r2', 'checkpoint', 1, 400));
    expect((await store.list('r1')).map((m) => [m.key, m.epoch])).toEqual([
      ['checkpoint', 3],
      ['other', 2],
    ]);
    // Listing carries no weights.
    expect(Object.keys((await store.list('r1'))[0])).not.toContain('weights');
    const replaced = await store.get('r1', 'checkpoint');
    expect(Array.from(replaced!.weights[0].data)).toEqual([3, 3.5, -3]);
  });

  it('lists every run with its experiment name, newest first', async () => {
    const store = storeOn();
    await store.putRun({ id: 'r1', experiment: 'blobs MLP', spec: '{}', startedAt: 1 });
    await store.putRun({ id: 'r2', experiment: 'MNIST CNN', spec: '{}', startedAt: 2 });
    await store.put(checkpoint('r1', 'a', 1, 100));
    await store.put(checkpoint('r2', 'b', 1, 300));
    await store.put(checkpoint('r1', 'c', 2, 200));
    const all = await store.listAll();
    expect(all.map((e) => [e.experiment, e.key])).toEqual([
      ['MNIST CNN', 'b'],
      ['blobs MLP', 'c'],
      ['blobs MLP', 'a'],
    ]);
  });

  it('deletes a checkpoint, and the run record with its last checkpoint', async () => {
    const store = storeOn();
    await store.putRun({ id: 'r1', experiment: 'x', spec: '{}', startedAt: 1 });
    await store.put(checkpoint('r1', 'a', 1, 100));
    await store.put(checkpoint('r1', 'b', 2, 200));
    await store.delete('r1', 'a');
    expect(await store.get('r1', 'a')).toBeNull();
    expect((await store.list('r1')).map((m) => m.key)).toEqual(['b']);
    expect(await store.getRun('r1')).not.toBeNull();
    await store.delete('r1', 'b');
    expect(await store.list('r1')).toEqual([]);
    expect(await store.getRun('r1')).toBeNull();
  });

  it('keeps checkpoints and runs for a fresh store on the same database (a reload)', async () => {
    const name = `reload-${++dbCount}`;
    const first = storeOn(name);
    await first.putRun({ id: 'r1', experiment: 'kept', spec: '{"name":"kept"}', startedAt: 5 });
    await first.put(checkpoint('r1', 'ckpt', 4, 100));
    await first.close();
    const second = storeOn(name);
    expect(await second.getRun('r1')).toEqual({
      id: 'r1',
      experiment: 'kept',
      spec: '{"name":"kept"}',
      startedAt: 5,
    });
    expect((await second.listAll()).map((e) => [e.experiment, e.key, e.epoch])).toEqual([
      ['kept', 'ckpt', 4],
    ]);
    expect(Array.from((await second.get('r1', 'ckpt'))!.weights[0].data)).toEqual([4, 4.5, -4]);
  });
});
