import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeOptimizer } from '../optimizers';
import { useCpuWithoutLeaks } from '../compile/test-utils';
import { MemoryCheckpointStore } from './checkpoint-store';
import { formatFilepath, ModelCheckpoint, type ModelCheckpointArgs } from './model-checkpoint';
import { restoreCheckpoint, saveCheckpoint } from './tfjs-handle';

useCpuWithoutLeaks();

function replay(args: ModelCheckpointArgs, series: (number | undefined)[]) {
  const cb = new ModelCheckpoint(args);
  return series.flatMap((v, i) => {
    const logs = v === undefined ? { loss: 1 } : { loss: 1, [cb.monitor]: v };
    return cb.onEpochEnd(i + 1, logs).saves;
  });
}

describe('ModelCheckpoint (Keras semantics)', () => {
  it('saves every epoch by default, under the formatted filepath', () => {
    const saves = replay({ filepath: 'ckpt-{epoch:02d}-{val_loss:.2f}' }, [0.5, 0.61]);
    expect(saves.map((s) => s.key)).toEqual(['ckpt-01-0.50', 'ckpt-02-0.61']);
    expect(saves[0]).toEqual({
      epoch: 1,
      key: 'ckpt-01-0.50',
      monitor: 'val_loss',
      value: 0.5,
      weightsOnly: false,
    });
  });

  it('save_best_only saves strict improvements only; initial_value_threshold is the first best', () => {
    expect(replay({ save_best_only: true }, [0.5, 0.6, 0.4, 0.4]).map((s) => s.epoch)).toEqual([1, 3]);
    expect(
      replay({ save_best_only: true, initial_value_threshold: 0.45 }, [0.5, 0.6, 0.4]).map((s) => s.epoch),
    ).toEqual([3]);
    const max = { save_best_only: true, monitor: 'val_accuracy', save_weights_only: true };
    const saves = replay(max, [0.5, 0.4, 0.7]);
    expect(saves.map((s) => [s.epoch, s.weightsOnly])).toEqual([
      [1, true],
      [3, true],
    ]);
  });

  it('save_best_only without the monitored value warns and saves, as Keras does', () => {
    const cb = new ModelCheckpoint({ save_best_only: true });
    const result = cb.onEpochEnd(1, { loss: 1 });
    expect(result.events.map((e) => e.type)).toEqual(['warning', 'checkpoint']);
    expect(result.saves).toHaveLength(1);
  });

  it('formats Python-style placeholders and refuses unknown keys', () => {
    expect(formatFilepath('{epoch}', 3, {})).toBe('3');
    expect(
      formatFilepath('e{epoch:03d}-{val_loss:.4f}-{lr:.1e}', 7, { val_loss: 0.123456, lr: 0.00123 }),
    ).toBe('e007-0.1235-1.2e-03');
    expect(() => formatFilepath('{val_acc}', 1, {})).toThrow(/Failed to format/);
  });
});

describe('checkpoint storage', () => {
  it('keeps one checkpoint per key (the same key overwrites), listed newest first', async () => {
    const store = new MemoryCheckpointStore();
    const base = { runId: 'r', monitor: 'val_loss', weightsOnly: true, bytes: 4, weights: [] };
    await store.put({ ...base, key: 'checkpoint', epoch: 1, value: 0.5, savedAt: 1 });
    await store.put({ ...base, key: 'checkpoint', epoch: 2, value: 0.4, savedAt: 2 });
    await store.put({ ...base, key: 'other', epoch: 3, value: 0.3, savedAt: 3 });
    await store.put({ ...base, runId: 'elsewhere', key: 'x', epoch: 1, value: 0, savedAt: 4 });
    expect((await store.list('r')).map((m) => [m.key, m.epoch])).toEqual([
      ['other', 3],
      ['checkpoint', 2],
    ]);
    await store.delete('r', 'other');
    expect(await store.get('r', 'other')).toBeNull();
  });

  it('saves a model and its optimizer state and restores them, leaving no tensor behind', async () => {
    const input = tf.input({ shape: [2] });
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor,
    });
    const optimizer = makeOptimizer({ name: 'adam', learning_rate: 0.1 });
    const x = tf.tensor2d([[1, 2]]);
    const step = () => optimizer.minimize(() => tf.sum(model.apply(x) as tf.Tensor) as tf.Scalar);
    step();
    const store = new MemoryCheckpointStore();
    const request = { epoch: 1, key: 'best', monitor: 'loss', value: 0.3, weightsOnly: false };
    const saved = await saveCheckpoint(store, 'run', request, model, optimizer, () => 42);
    expect(saved.savedAt).toBe(42);
    expect(saved.weights.map((w) => w.shape)).toEqual([[2, 1], [1]]);
    expect(saved.optimizer?.map((w) => w.name.split('/').at(-1))).toEqual(['iter', 'm', 'v', 'm', 'v']);
    expect(saved.bytes).toBe(4 * (3 + 1 + 2 * 3));
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    step();
    step();
    await restoreCheckpoint((await store.get('run', 'best'))!, model, optimizer);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(optimizer.iterations).toBe(1);
    optimizer.dispose();
    model.dispose();
    x.dispose();
  });

  it('restores the optimizer slots into a rebuilt model, whose variables tfjs named differently', async () => {
    const build = () => {
      const input = tf.input({ shape: [2] });
      const dense = tf.layers.dense({ units: 1, name: 'out' });
      return tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
    };
    const x = tf.tensor2d([[1, 2]]);
    const [model, optimizer] = [build(), makeOptimizer({ name: 'adam', learning_rate: 0.1 })];
    optimizer.minimize(() => tf.sum(model.apply(x) as tf.Scalar) as tf.Scalar);
    const store = new MemoryCheckpointStore();
    const request = { epoch: 1, key: 'k', monitor: 'loss', value: 1, weightsOnly: false };
    const saved = await saveCheckpoint(store, 'run', request, model, optimizer);
    expect(saved.optimizer?.map((w) => w.name)).toEqual([
      'iter',
      'out/kernel/m',
      'out/kernel/v',
      'out/bias/m',
      'out/bias/v',
    ]);
    const [again, fresh] = [build(), makeOptimizer({ name: 'adam', learning_rate: 0.1 })];
    expect(again.weights[0].name).not.toBe(model.weights[0].name);
    await restoreCheckpoint(saved, again, fresh);
    const slots = async (o: typeof fresh) => {
      const named = await o.getWeights();
      const values = named.map((n) => Array.from(n.tensor.dataSync()));
      tf.dispose(named.map((n) => n.tensor));
      return values;
    };
    expect(fresh.iterations).toBe(1);
    expect(await slots(fresh)).toEqual(await slots(optimizer));
    tf.dispose([x]);
    [optimizer, fresh].forEach((o) => o.dispose());
    [model, again].forEach((m) => m.dispose());
  });

  it('refuses a checkpoint of another graph and leaves the weights as they were', async () => {
    const input = tf.input({ shape: [2] });
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 2, name: 'head' }).apply(input) as tf.SymbolicTensor,
    });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const checkpoint = {
      key: 'old',
      runId: 'r',
      epoch: 3,
      monitor: 'loss',
      value: 1,
      weightsOnly: true,
      savedAt: 0,
      bytes: 0,
      weights: [
        { name: 'head/kernel', shape: [2, 3], dtype: 'float32' as const, data: new Float32Array(6) },
        { name: 'gone/bias', shape: [3], dtype: 'float32' as const, data: new Float32Array(3) },
      ],
    };
    await expect(restoreCheckpoint(checkpoint, model)).rejects.toThrow(
      'Checkpoint "old" (epoch 3) does not fit this model: the graph changed since it was saved.',
    );
    await restoreCheckpoint(checkpoint, model).catch((error: { hints: string[] }) =>
      expect(error.hints).toEqual([
        'head/kernel was saved as [2, 3]; the model has [2, 2].',
        'head/bias [2] is not in the checkpoint.',
        'gone/bias is in the checkpoint but not in the model.',
      ]),
    );
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    model.dispose();
  });
});
