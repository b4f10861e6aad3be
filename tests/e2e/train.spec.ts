import { test, expect, epochLosses } from './fixtures';

test('trains the blobs model on webgpu until it finishes, and the loss goes down', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-backend', 'webgpu');
  await expect(badge).toContainText('backend: webgpu');

  const train = page.getByRole('button', { name: /Train/ });
  await expect(train).toBeEnabled();
  await train.click();

  const status = page.getByTestId('train-status');
  await expect(status).toContainText('Training on webgpu', { timeout: 60_000 });
  await expect(status).toContainText('Training finished', { timeout: 110_000 });

  const losses = await epochLosses(page);
  const epochs = Number(await page.getByLabel('Epochs').inputValue());
  expect(losses).toHaveLength(epochs);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(losses[0]);

  await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByTestId('epoch-counter')).toHaveText(`epoch ${epochs}/${epochs}`);
  await expect(page.locator('[data-chart="Loss"] circle[data-series="loss"]')).toHaveCount(epochs);
  // The default compile logs Keras's `accuracy`: its chart and its column in the epoch table.
  await expect(page.locator('[data-chart="Accuracy"] circle[data-series="accuracy"]')).toHaveCount(epochs);
  const accuracy = await page
    .locator('[data-testid="history"] tbody tr')
    .evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.accuracy)));
  expect(accuracy.every((a) => a >= 0 && a <= 1)).toBe(true);
  expect(problems.errors).toEqual([]);
});

test('a small CNN trains on webgpu: every Conv2D kernel compiles and runs, forward and backward', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=mnist-cnn');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByRole('button', { name: /Train/ }).click();
  const status = page.getByTestId('train-status');
  // A shader that fails WebGPU validation ends the run as a device error instead.
  await expect(status).toContainText('Training finished', { timeout: 110_000 });
  const losses = await epochLosses(page);
  expect(losses).toHaveLength(1);
  expect(Number.isFinite(losses[0])).toBe(true);
  expect(problems.errors).toEqual([]);
});
