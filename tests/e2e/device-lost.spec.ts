import { test, expect } from './fixtures';
import { blobsSpec, call, events, openTrainer } from './device-harness';
import type { DeviceEvent, TrainOutcome } from '../../src/experiment/protocol';

/* eslint-disable @typescript-eslint/no-explicit-any -- the page's globals are set up by device-harness.ts */

test('a device destroyed mid-training is reported as device-lost, and resume finishes with the history kept', async ({
  page,
  problems,
}) => {
  // Four epochs on SwiftShader, twice over for the repeated part: 40–60 s on a loaded machine.
  test.setTimeout(240_000);
  await openTrainer(page);
  await page.evaluate(() => (window as any).trainer.init('webgpu', { debug: true }));

  // 460 training samples in batches of 32: 15 steps an epoch, checked every 5.
  const spec = blobsSpec({ samples: 512, fit: { epochs: 4, batchSize: 32, readbackEvery: 5 } });
  const lost: TrainOutcome = await page.evaluate(async (spec) => {
    const w = window as any;
    let destroyed = false;
    const onEvent = w.Comlink.proxy((event: any) => {
      w.trainerEvents.push(event);
      // Mid-epoch 3, as a driver reset would strike: between checkpoints, with steps queued.
      if (!destroyed && event.type === 'progress' && event.epoch === 3 && event.step >= 7) {
        destroyed = true;
        w.destroyedAt = { epoch: event.epoch, step: event.step };
        void w.trainer.debugLoseDevice();
      }
    });
    return w.trainer.train(spec, onEvent);
  }, spec);

  expect(await page.evaluate(() => (window as any).destroyedAt)).toBeTruthy();
  expect(lost.status).toBe('failed');
  expect(lost.failure?.kind).toBe('device-lost');
  expect(lost.failure?.device).toMatchObject({ cause: 'lost', lostReason: 'destroyed' });
  expect(lost.failure?.device?.stepsLost).toBeGreaterThanOrEqual(0);
  expect(lost.resumable).toBe(true);
  expect(lost.history).toHaveLength(2);

  const resumed = await call(page, 'resume', {});
  expect(resumed.failure).toBeUndefined();
  expect(resumed.status).toBe('finished');
  expect(resumed.history).toHaveLength(4);
  expect(resumed.history.slice(0, 2)).toEqual(lost.history);
  expect(resumed.history.every((h) => Number.isFinite(h.loss) && h.loss > 0)).toBe(true);
  // Training continued from the restored weights rather than from scratch: still learning, never back to ln 3.
  expect(resumed.history[3].loss).toBeLessThan(resumed.history[0].loss);
  expect(resumed.tensorsAfter).toBe(resumed.tensorsBefore);
  const started = (await events(page)).filter((e) => e.type === 'started');
  expect(started.at(-1)).toMatchObject({ backend: 'webgpu' });
  expect(problems.errors).toEqual([]);
});

test('a device lost while idle reaches the page as an event, and the next run trains on a new device', async ({
  page,
  problems,
}) => {
  await openTrainer(page);
  await page.evaluate(() => (window as any).trainer.init('webgpu', { debug: true }));
  const event: DeviceEvent = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const w = window as any;
        void w.trainer.watchDevice(w.Comlink.proxy(resolve)).then(() => w.trainer.debugLoseDevice());
      }),
  );
  expect(event.type).toBe('device');
  expect(event.failure.kind).toBe('device-lost');
  expect(event.recovered).toBe(true);

  const outcome = await call(page, 'train', blobsSpec({ fit: { epochs: 1 } }));
  expect(outcome.status).toBe('finished');
  expect(outcome.history).toHaveLength(1);
  expect(problems.errors).toEqual([]);
});

test('the test hook does nothing unless the worker was started with debug', async ({ page }) => {
  await openTrainer(page);
  await page.evaluate(() => (window as any).trainer.init('webgpu', {}));
  expect(await page.evaluate(() => (window as any).trainer.debugLoseDevice())).toBe(false);
});
