import { test, expect } from './fixtures';

test('ModelCheckpoint saves are listed, survive a reload, and one restores and trains on', async ({
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

  await page.getByRole('button', { name: 'Restore ckpt-01 (epoch 1)' }).click();
  const restored = page.getByTestId('checkpoint-restored');
  await expect(restored).toContainText('Restored "ckpt-01" (epoch 1)');
  await restored.getByRole('button', { name: /Continue/ }).click();
  await expect(status).toContainText('Training finished', { timeout: 110_000 });
  // The continued run saved its own checkpoints beside the ones it came from.
  await expect(rows).toHaveCount(6);
  await page.getByRole('tab', { name: 'Memory' }).click();
  await expect(page.getByTestId('tensor-counts')).toContainText('none leaked');
  await page.getByRole('tab', { name: 'Checkpoints' }).click();

  await page.getByRole('button', { name: 'Delete ckpt-01 (epoch 1)' }).first().click();
  await expect(rows).toHaveCount(5);
  expect(problems.errors).toEqual([]);
});
