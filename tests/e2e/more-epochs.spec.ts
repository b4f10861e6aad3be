import type { Page } from '@playwright/test';
import { test, expect, epochLosses } from './fixtures';

/** Blobs on WebGPU (SwiftShader), with the epochs and batch size given through the train bar. */
async function openBlobs(page: Page, epochs: number, batchSize: number) {
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByLabel('Epochs').fill(String(epochs));
  await page.getByLabel('Batch size').fill(String(batchSize));
}

test('a finished run trains on for more epochs: the counter, history and chart continue', async ({
  page,
  problems,
}) => {
  await openBlobs(page, 3, 32);
  const status = page.getByTestId('train-status');
  const more = page.getByTestId('train-more');
  await expect(more).toBeDisabled();
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(status).toContainText('Training finished: 3 epochs', { timeout: 110_000 });
  const uninterrupted = await epochLosses(page);

  await page.getByLabel('Epochs').fill('1');
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(status).toContainText('Training finished: 1 epoch', { timeout: 110_000 });
  const [first] = await epochLosses(page);
  expect(Number.isFinite(first)).toBe(true);

  // Keyboard: type the count into the field and press Enter.
  const count = page.getByLabel('Train on');
  await count.fill('2');
  await expect(more).toHaveText('⏩ 2 more epochs');
  await expect(page.getByText('epochs 2–3, same weights and optimizer')).toBeVisible();
  await count.press('Enter');
  await expect(status).toContainText('Training finished: 3 epochs', { timeout: 110_000 });
  await expect(page.getByTestId('epoch-counter')).toHaveText('epoch 3/3');
  const losses = await epochLosses(page);
  expect(losses).toHaveLength(3);
  // The first epoch is the one trained before; the new ones go on from its weights (the loss keeps falling).
  expect(losses[0]).toBe(first);
  expect(losses[2]).toBeLessThan(first);
  // Same weights, Adam state and random streams: the losses of the uninterrupted 3-epoch run (WebGPU: to 1e-5).
  losses.forEach((loss, i) => expect(Math.abs(loss - uninterrupted[i])).toBeLessThanOrEqual(1e-5));
  await expect(page.locator('circle[data-series="loss"]')).toHaveCount(3);
  // The editor's epochs stay what they were: Train starts a fresh run of 1 epoch.
  await expect(page.getByLabel('Epochs')).toHaveValue('1');
  await page.getByRole('tab', { name: /Memory/ }).click();
  await expect(page.getByTestId('tensor-counts')).toContainText('none leaked');
  expect(problems.errors).toEqual([]);
});

test('a paused run resumes to a raised total of epochs', async ({ page, problems }) => {
  await openBlobs(page, 1, 32);
  const status = page.getByTestId('train-status');
  await page.getByRole('button', { name: '⏯ Step' }).click();
  await expect(status).toHaveText(/^Paused at epoch 1, step 1\/8/);
  await page.getByLabel('Train on').fill('1');
  await expect(page.getByText('resumes to 2 epochs in all')).toBeVisible();
  await page.getByRole('button', { name: '⏩ 1 more epoch' }).click();
  await expect(status).toContainText('Training finished: 2 epochs', { timeout: 110_000 });
  await expect(page.getByTestId('epoch-counter')).toHaveText('epoch 2/2');
  expect(await epochLosses(page)).toHaveLength(2);
  expect(problems.errors).toEqual([]);
});
