import { test, expect } from './fixtures';

test('Compile & fit: SGD with Nesterov momentum, a precision metric, validation every 2nd epoch', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');

  await page.getByText(/^Compile & fit/).click();
  const optimizer = page.getByTestId('optimizer-settings');
  await optimizer.getByLabel('optimizer', { exact: true }).selectOption('sgd');
  const momentum = optimizer.getByLabel('momentum');
  // A value spec.ts refuses is named next to the field and not applied.
  await momentum.fill('1.5');
  await momentum.press('Enter');
  await expect(optimizer.getByTestId('arg-error')).toContainText('momentum');
  await momentum.fill('0.9');
  await momentum.press('Enter');
  await expect(optimizer.getByTestId('arg-error')).toHaveCount(0);
  await optimizer.getByLabel('nesterov').check();

  const metrics = page.getByTestId('loss-metrics-settings');
  await metrics.locator('[data-metric="precision"]').check();
  const freq = page.getByTestId('fit-settings').getByLabel('validation_freq');
  await freq.fill('2');
  await freq.press('Enter');
  await expect(page.getByTestId('compile-fit-settings').locator('summary')).toContainText('sgd');

  await page.getByLabel('Epochs').fill('3');
  await page.getByRole('button', { name: /Train/ }).click();
  // A run trains with the settings it started with: the panel is locked until it ends.
  await expect(momentum).toBeDisabled();
  await expect(page.getByTestId('train-status')).toContainText('Training finished', { timeout: 110_000 });
  // Settings unlock when the run is over.
  await expect(momentum).toBeEnabled();

  await expect(page.locator('[data-chart="Precision"]')).toBeVisible();
  await page.getByText(/^Epoch log/).click();
  const cell = (epoch: number, key: string) =>
    page.locator(`[data-testid="history"] tr[data-epoch="${epoch}"] td[data-key="${key}"]`);
  await expect(cell(1, 'precision')).toHaveText(/^\d+\.\d%$/);
  for (const epoch of [1, 3]) {
    await expect(cell(epoch, 'val_loss')).toHaveText('—');
    await expect(cell(epoch, 'val_precision')).toHaveText('—');
  }
  await expect(cell(2, 'val_loss')).toHaveText(/^\d+\.\d{4}$/);
  await expect(cell(2, 'val_precision')).toHaveText(/^\d+\.\d%$/);

  await page.getByRole('tab', { name: 'Code' }).click();
  const python = page.getByTestId('code-python');
  await expect(python).toContainText('keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)');
  await expect(python).toContainText('metrics=["accuracy", "precision"]');
  await expect(python).toContainText('validation_freq=2,');
  expect(problems.errors).toEqual([]);
});
