import { test, expect, epochLosses } from './fixtures';

test('ModelCheckpoint saves are listed, survive a reload, and one restores and trains on from its epoch', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');

  await page.getByText(/^Callbacks \(/).click();
  const checkpoint = page.locator('fieldset[data-callback="ModelCheckpoint"]');
  await checkpoint.getByRole('checkbox', { name: 'ModelCheckpoint' }).check();
  await checkpoint.getByLabel('monitor').fill('loss');
  await checkpoint.getByLabel('filepath').fill('ckpt-{epoch:02d}');
  await checkpoint.getByLabel('save_best_only').check();

  await page.getByLabel('Epochs').fill('3');
  await page.getByRole('button', { name: /Train/ }).click();
  const status = page.getByTestId('train-status');
  await expect(status).toContainText('Training finished', { timeout: 110_000 });
  const trained = await epochLosses(page);
  expect(trained).toHaveLength(3);

  // Every epoch improves the training loss of the blobs problem, so save_best_only saves each one.
  await page.getByRole('tab', { name: 'Checkpoints' }).click();
  const rows = page.getByTestId('checkpoint-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toHaveAttribute('data-key', 'ckpt-03');
  await expect(rows.first()).toContainText(/loss = [\d.]+/);

  await page.reload();
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByRole('tab', { name: 'Checkpoints' }).click();
  await expect(rows).toHaveCount(3);
  await expect(rows.locator('td.key')).toHaveText(['ckpt-03', 'ckpt-02', 'ckpt-01']);

  // The last epoch's checkpoint leaves nothing to train: it says so instead of training again.
  await page.getByRole('button', { name: 'Restore ckpt-03 (epoch 3)' }).click();
  const restored = page.getByTestId('checkpoint-restored');
  await expect(restored).toContainText('(epoch 3 of 3)');
  await expect(restored).toContainText('nothing left to train');
  await expect(restored.getByRole('button', { name: /Continue/ })).toBeDisabled();
  await expect(status).toContainText('Training finished: 3 epochs');

  // Epoch 1 of 3: the run stands where Keras's fit(initial_epoch=1) begins, with epoch 1's logs.
  await page.getByRole('button', { name: 'Restore ckpt-01 (epoch 1)' }).click();
  await expect(restored).toContainText('Restored "ckpt-01" (epoch 1 of 3)');
  await expect(restored).toContainText('Continue trains epochs 2–3');
  await expect(status).toContainText('Paused at epoch 2, step 0/');
  await restored.getByRole('button', { name: /Continue/ }).click();
  await expect(status).toContainText('Training finished: 3 epochs', { timeout: 110_000 });
  // The continued run trained epochs 2 and 3 and saved its own checkpoints beside the ones it came from.
  await expect(rows).toHaveCount(5);
  await page.getByRole('tab', { name: 'Curves' }).click();
  const continued = await epochLosses(page);
  expect(continued).toHaveLength(3);
  expect(continued[0]).toBe(trained[0]);
  // Same weights, optimizer state, epoch orders: epochs 2 and 3 again, as the first run trained them.
  expect(continued[1]).toBeCloseTo(trained[1], 4);
  expect(continued[2]).toBeCloseTo(trained[2], 4);
  await page.getByRole('tab', { name: 'Memory' }).click();
  await expect(page.getByTestId('tensor-counts')).toContainText('none leaked');
  await page.getByRole('tab', { name: 'Checkpoints' }).click();

  await page.getByRole('button', { name: 'Delete ckpt-01 (epoch 1)' }).first().click();
  await expect(rows).toHaveCount(4);
  expect(problems.errors).toEqual([]);
});
