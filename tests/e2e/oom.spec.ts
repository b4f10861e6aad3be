import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

/** Screenshots in both themes for a person checking the design: taken only when KILN_SHOTS names a folder. */
async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.KILN_SHOTS;
  if (!dir) return;
  const themeButton = page.getByRole('button', { name: /theme$/ });
  for (const theme of ['a', 'b']) {
    await page.screenshot({ path: `${dir}/${name}-${theme}.png` });
    await themeButton.click();
  }
}

/**
 * The memory lesson end to end on WebGPU: a budget too small for a batch of 128 through a Dense 256 layer is
 * refused by the pre-flight estimate with TensorFlow's OOM message; the suggested batch size resumes the run
 * with the same weights and history, it finishes, and no tensor is left behind.
 */
test('an OOM names the shape, its remedy resumes the run, and nothing leaks', async ({ page, problems }) => {
  await page.setViewportSize({ width: 1600, height: 1100 });
  await page.goto('/?experiment=blobs-wide');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');

  await page.getByLabel('Batch size').fill('128');
  await page.getByRole('tab', { name: 'Memory' }).click();
  await page.getByLabel('Memory budget (MB)', { exact: true }).fill('0.25');
  await page.getByRole('button', { name: /Train/ }).click();

  const status = page.getByTestId('train-status');
  await expect(status).toHaveAttribute('data-status', 'failed');
  await expect(status).toContainText('Training failed: ResourceExhaustedError');
  await expect(status).toHaveText(/OOM when allocating tensor with shape\[/);
  await expect(page.getByTestId('oom-message')).toHaveText(
    /^ResourceExhaustedError: OOM when allocating tensor with shape\[\d+(,\d+)*\] and type float32 on webgpu/,
  );
  await expect(page.getByTestId('estimate-bar')).toBeVisible();
  await shot(page, 'oom-failed');

  const apply = page.getByRole('button', { name: /^Apply: batch size \d+$/ });
  await expect(apply).toBeVisible();
  const batch = Number((await apply.textContent())!.match(/\d+/)![0]);
  expect(batch).toBeLessThan(128);
  await apply.click();

  // The spec took the fix, the run resumed with it and finished.
  await expect(page.getByLabel('Batch size')).toHaveValue(String(batch));
  await expect(status).toContainText('Training finished', { timeout: 110_000 });
  await expect(page.getByTestId('failure')).toHaveCount(0);

  const panel = page.getByTestId('memory-panel');
  const before = await panel.getAttribute('data-tensors-before');
  expect(before).not.toBe('');
  await expect(panel).toHaveAttribute('data-tensors-after', before!);
  await expect(page.getByTestId('estimate-bar')).toBeVisible();
  await expect(page.getByTestId('measured-peak')).toBeVisible();
  await expect(page.getByTestId('measured-peak')).toContainText('measured');
  await expect(page.getByTestId('memory-estimate')).toContainText(`one step at batch ${batch}`);
  await shot(page, 'oom-finished');

  // The curves kept every epoch: three in all.
  await page.getByRole('tab', { name: 'Curves' }).click();
  await expect(page.locator('[data-testid="history"] tbody tr')).toHaveCount(3);
  expect(problems.errors).toEqual([]);
});
