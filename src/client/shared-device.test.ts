import { describe, expect, it } from 'vitest';
import { blobsExperiment } from '../experiment/defaults';
import type { ExperimentSpec } from '../experiment/spec';
import { SharedDevice, type DeviceClient } from './shared-device.svelte';
import type { DeviceSeat } from './device-seat';
import { TrainerClient, type RestoredRun, type TrainerStatus } from './trainer-client.svelte';

const MB = 1024 * 1024;

/** A client that records what the device told it and lets the test act as its runs. */
class FakeClient implements DeviceClient {
  status: TrainerStatus = 'idle';
  resumable = false;
  seat: DeviceSeat | null = null;
  limits: (number | null)[] = [];
  attachDevice(seat: DeviceSeat | null): void {
    this.seat = seat;
  }
  setDeviceLimit(bytes: number | null): void {
    this.limits.push(bytes);
  }
}

function spec(name: string, allocation: 'growth' | 'reserve', budgetMB: number): ExperimentSpec {
  const base = blobsExperiment();
  return { ...base, name, memory: { ...base.memory, allocation, budgetMB } };
}

describe('SharedDevice', () => {
  it('refuses a second reservation that does not fit and lists both experiments', () => {
    const device = new SharedDevice(3);
    const a = new FakeClient();
    const b = new FakeClient();
    device.join('a', 'first', a);
    device.join('b', 'second', b);
    expect(device.rows).toEqual([]);

    expect(a.seat!.admit(spec('First', 'reserve', 2))).toBeNull();
    expect(a.limits).toEqual([2 * MB]);
    a.seat!.report(10_000);
    const refusal = b.seat!.admit(spec('Second', 'reserve', 2));
    expect(refusal?.message).toMatch(/^ResourceExhaustedError: OOM when reserving 2\.0 MB on webgpu/);
    expect(refusal?.remedies?.some((r) => r.action?.label === 'Apply: memory growth')).toBe(true);

    expect(device.rows.map((r) => [r.name, r.mode, r.onDevice, r.heldBytes, r.usedBytes])).toEqual([
      ['First', 'reserve', true, 2 * MB, 10_000],
      ['Second', 'reserve', false, 0, 0],
    ]);
    expect(device.heldBytes).toBe(2 * MB);
    expect(b.limits).toEqual([]);
  });

  it('in growth mode admits both and fences each worker by what the other holds', () => {
    const device = new SharedDevice(3);
    const a = new FakeClient();
    const b = new FakeClient();
    device.join('a', 'first', a);
    device.join('b', 'second', b);
    expect(a.seat!.admit(spec('First', 'growth', 2))).toBeNull();
    expect(b.seat!.admit(spec('Second', 'growth', 2))).toBeNull();
    b.seat!.report(1.5 * MB);
    expect(a.limits.at(-1)).toBe(1.5 * MB);
    expect(b.limits.at(-1)).toBe(2 * MB);

    // The capacity is the user's: changing it re-fences the workers at once.
    device.capacityMB = 10;
    expect(a.limits.at(-1)).toBe(2 * MB);
    device.capacityMB = -1;
    expect(device.capacityProblem).toMatch(/at least/);
    expect(device.capacityBytes).toBe(10 * MB);

    // A finished run frees what it held and its worker's fence is lifted.
    b.seat!.release();
    expect(b.limits.at(-1)).toBeNull();
    expect(device.rows.find((r) => r.name === 'Second')?.onDevice).toBe(false);
  });

  it('a refused start becomes the client failure and never reaches a worker', async () => {
    const device = new SharedDevice(3);
    const holder = new FakeClient();
    device.join('holder', 'holder', holder);
    holder.seat!.admit(spec('Holder', 'reserve', 2));

    let workers = 0;
    const client = new TrainerClient(() => {
      workers += 1;
      throw new Error('no worker in this test');
    });
    device.join('main', 'main', client);
    const outcome = await client.train(spec('Main', 'reserve', 2));
    expect(outcome).toBeNull();
    expect(workers).toBe(0);
    expect(client.status).toBe('failed');
    expect(client.failure?.kind).toBe('resource-exhausted');
    expect(client.failure?.oom?.phase).toBe('reservation');
    expect(client.failure?.message).toContain("held by 'Holder' 2.0 MB");
  });

  it('a session restored from a checkpoint is on the device at once, holding its resident bytes', () => {
    const device = new SharedDevice(3);
    const client = new TrainerClient(() => {
      throw new Error('no worker in this test');
    });
    device.join('main', 'main', client);
    const history = [{ loss: 0.9 }, { loss: 0.5 }];
    const restored = restoredRun(spec('Restored', 'growth', 2), history, 1.5 * MB);
    expect(client.adoptRestored(restored)).toBeNull();
    expect(device.rows.map((r) => [r.name, r.onDevice, r.parked, r.heldBytes])).toEqual([
      ['Restored', true, true, 1.5 * MB],
    ]);
    // Paused where Keras's fit(initial_epoch=2) would begin: Resume trains epoch 3 of 3.
    expect([client.status, client.resumable, client.epoch, client.epochs]).toEqual(['paused', true, 2, 3]);
    expect(client.control.paused).toEqual({ epoch: 3, step: 0, stepsPerEpoch: 6 });
    expect(client.control.canResume).toBe(true);
    expect(client.history).toEqual(history);
  });

  it("a session restored at its run's last epoch is finished: nothing to resume, nothing held", () => {
    const device = new SharedDevice(3);
    const client = new TrainerClient(() => {
      throw new Error('no worker in this test');
    });
    device.join('main', 'main', client);
    const history = [{ loss: 0.9 }, { loss: 0.5 }, { loss: 0.3 }];
    expect(client.adoptRestored(restoredRun(spec('Restored', 'reserve', 2), history, MB))).toBeNull();
    expect([client.status, client.resumable, client.epoch]).toEqual(['finished', false, 3]);
    expect(device.rows).toEqual([]);
  });

  it('a restored session the device cannot reserve for is refused and not kept', () => {
    const device = new SharedDevice(3);
    const holder = new FakeClient();
    device.join('holder', 'holder', holder);
    holder.seat!.admit(spec('Holder', 'reserve', 2));
    const client = new TrainerClient(() => {
      throw new Error('no worker in this test');
    });
    device.join('main', 'main', client);
    const failure = client.adoptRestored(restoredRun(spec('Restored', 'reserve', 2), [{ loss: 1 }], MB));
    expect(failure?.oom?.phase).toBe('reservation');
    expect([client.status, client.resumable]).toEqual(['failed', false]);
    expect(device.rows.find((r) => r.id === 'main')?.onDevice).toBe(false);
  });

  it('runs another experiment from a copy of the current one with its own budget and mode', () => {
    const device = new SharedDevice();
    const another = device.another;
    another.budgetMB = 3;
    another.allocation = 'reserve';
    const current = spec('Edited', 'growth', 64);
    expect(another.spec(current)).toMatchObject({
      name: 'Edited #2',
      memory: { budgetMB: 3, allocation: 'reserve' },
      fit: current.fit,
    });
    another.template = 'blobs';
    another.apply({ allocation: 'growth', batchSize: 8 });
    expect(another.spec(current)).toMatchObject({
      name: 'Blobs MLP #2',
      memory: { budgetMB: 3, allocation: 'growth' },
      fit: { batchSize: 8 },
    });
  });
});

/** A checkpoint of epoch `history.length` restored into a new session (6 steps an epoch). */
function restoredRun(spec: ExperimentSpec, history: { loss: number }[], residentBytes: number): RestoredRun {
  const epoch = history.length;
  const paused = { epoch: epoch + 1, step: 0, stepsPerEpoch: 6 };
  return {
    ok: true,
    into: 'new',
    spec,
    key: `ckpt-${epoch}`,
    epoch,
    history,
    historySaved: true,
    paused,
    residentBytes,
  };
}
