import { test, expect } from './fixtures';

test('EarlyStopping, ModelCheckpoint and ReduceLROnPlateau mark their events on the loss chart', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');

  await page.getByText(/^Callbacks \(/).click();
  const group = (name: string) => page.locator(`fieldset[data-callback="${name}"]`);

  // A huge min_delta means no epoch after the first counts as an improvement: both callbacks act at epoch 2.
  const early = group('EarlyStopping');
  await early.getByRole('checkbox', { name: 'EarlyStopping' }).check();
  await early.getByLabel('monitor').fill('loss');
  await early.getByLabel('patience').fill('1');
  await early.getByLabel('min_delta').fill('1000');
  await early.getByLabel('restore_best_weights').check();

  const checkpoint = group('ModelCheckpoint');
  await checkpoint.getByRole('checkbox', { name: 'ModelCheckpoint' }).check();
  await checkpoint.getByLabel('monitor').fill('loss');
  await expect(checkpoint.getByLabel('save_best_only')).not.toBeChecked();

  const plateau = group('ReduceLROnPlateau');
  await plateau.getByRole('checkbox', { name: 'ReduceLROnPlateau' }).check();
  await plateau.getByLabel('monitor').fill('loss');
  await plateau.getByLabel('factor').fill('0.5');
  await plateau.getByLabel('patience').fill('1');
  await plateau.getByLabel('min_delta').fill('1000');
  await plateau.getByLabel('min_lr').fill('0');
  await expect(page.getByText('Callbacks (3 on)')).toBeVisible();

  await page.getByLabel('Epochs').fill('5');
  await page.getByRole('button', { name: /Train/ }).click();

  const status = page.getByTestId('train-status');
  await expect(status).toContainText('Training finished', { timeout: 110_000 });
  await expect(status).toContainText('Early stopping at epoch 2');

  const chart = page.locator('[data-chart="Loss"]');
  await expect(chart.locator('[data-event="stop"]')).toHaveCount(1);
  await expect(chart.locator('[data-event="stop"]')).toHaveAttribute('aria-label', /EarlyStopping stopped/);
  await expect(chart.locator('[data-event="lr-change"]')).toHaveCount(1);
  await expect(chart.locator('[data-event="lr-change"] text')).toHaveText(/^lr [\d.e-]+ → [\d.e-]+$/);
  await expect(chart.locator('[data-event="checkpoint"]')).toHaveCount(2);
  await expect(chart.locator('[data-event="restore-best-weights"]')).toHaveAttribute('data-epoch', '1');
  expect(problems.errors).toEqual([]);
});
