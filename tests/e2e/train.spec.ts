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
  expect(problems.errors).toEqual([]);
});
