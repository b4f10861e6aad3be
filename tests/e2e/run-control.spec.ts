import type { Page } from '@playwright/test';
import { test, expect, epochLosses } from './fixtures';

/** Blobs on WebGPU (SwiftShader), with the epochs and batch size given through the train bar. */
async function openBlobs(page: Page, epochs: number, batchSize: number) {
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByLabel('Epochs').fill(String(epochs));
  await page.getByLabel('Batch size').fill(String(batchSize));
}

async function trainToTheEnd(page: Page): Promise<number[]> {
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText('Training finished', { timeout: 110_000 });
  return epochLosses(page);
}

function expectSameLosses(actual: number[], expected: number[], epochs: number) {
  expect(actual).toHaveLength(epochs);
  expect(expected).toHaveLength(epochs);
  actual.forEach((loss, i) => expect(Math.abs(loss - expected[i])).toBeLessThanOrEqual(1e-5));
}

test('the same spec and seed train to the same epoch losses twice on webgpu', async ({ page, problems }) => {
  await openBlobs(page, 3, 32);
  const first = await trainToTheEnd(page);
  const second = await trainToTheEnd(page);
  expectSameLosses(second, first, 3);
  expect(first.every(Number.isFinite)).toBe(true);
  expect(problems.errors).toEqual([]);
});

test('a run paused mid-run and resumed matches the uninterrupted run on webgpu', async ({
  page,
  problems,
}) => {
  // 230 training samples in batches of 16: 15 steps an epoch (SwiftShader takes a while over each).
  await openBlobs(page, 2, 16);
  const uninterrupted = await trainToTheEnd(page);

  await page.getByRole('button', { name: /Train/ }).click();
  const status = page.getByTestId('train-status');
  await expect(page.getByTestId('eta')).toBeVisible();
  await page.getByRole('button', { name: '⏸ Pause' }).click();
  await expect(status).toHaveAttribute('data-status', 'paused');
  await expect(status).toHaveText(/^Paused at epoch [12], step \d+\/15$/);
  await expect(page.getByTestId('eta')).toBeHidden();
  // The settings stay those of the paused run.
  await expect(page.getByLabel('Batch size')).toBeDisabled();

  const resume = page.getByRole('button', { name: '⏵ Resume' });
  await expect(resume).toBeEnabled();
  await resume.click();
  await expect(status).toContainText('Training finished', { timeout: 110_000 });
  expectSameLosses(await epochLosses(page), uninterrupted, 2);
  await expect(page.getByRole('button', { name: '⏸ Pause' })).toBeDisabled();
  expect(problems.errors).toEqual([]);
});

test('Step trains one batch at a time from a fresh start, and Stop ends the paused run', async ({
  page,
  problems,
}) => {
  await openBlobs(page, 2, 32);
  const status = page.getByTestId('train-status');
  const step = page.getByRole('button', { name: '⏯ Step' });
  await step.click();
  await expect(status).toHaveText(/^Paused at epoch 1, step 1\/8 — that batch’s loss \d+\.\d{4}$/);
  // Keyboard: the button keeps focus and Enter steps again.
  await step.focus();
  await page.keyboard.press('Enter');
  await expect(status).toHaveText(/^Paused at epoch 1, step 2\/8 — that batch’s loss \d+\.\d{4}$/);
  await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '13');

  await page.getByRole('button', { name: '■ Stop', exact: true }).click();
  await expect(status).toHaveAttribute('data-status', 'stopped');
  await expect(status).toHaveText('Training stopped after epoch 0 of 2');
  await expect(page.getByRole('button', { name: '⏸ Pause' })).toBeDisabled();
  await expect(page.getByRole('button', { name: '■ Stop', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: /Train/ })).toBeEnabled();
  // The paused run's tensors went with it.
  await page.getByRole('tab', { name: /Memory/ }).click();
  await expect(page.getByTestId('tensor-counts')).toContainText('none leaked');
  expect(problems.errors).toEqual([]);
});
