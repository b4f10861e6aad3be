import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

/** A screenshot for a person checking the design, taken only when KILN_SHOTS names a folder. */
async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.KILN_SHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

/**
 * The classic shared-GPU incident on one demonstration device of 3 MB: the experiment being edited reserves
 * its 2 MB budget up front, so a second experiment in its own worker cannot reserve its 2 MB and fails with
 * TensorFlow's OOM and the hint to enable memory growth. With memory growth for both, both train to the end.
 */
test('two experiments share a device: reserve mode refuses the second, growth runs both', async ({
  page,
  problems,
}) => {
  await page.setViewportSize({ width: 1600, height: 1100 });
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');

  // The first experiment reserves 2 MB and runs long enough to still hold it when the second starts.
  await page.getByLabel('Epochs').fill('400');
  await page.getByRole('tab', { name: 'Memory' }).click();
  await page.getByLabel('Memory budget (MB)', { exact: true }).fill('2');
  await page.getByLabel('Reserve up front').check();

  await page.getByRole('tab', { name: 'Device' }).click();
  await expect(page.getByTestId('device-panel')).toContainText('WebGPU does not tell a page');
  await page.getByLabel('Device capacity (MB)').fill('3');
  const another = page.getByTestId('another-experiment');
  await another.getByLabel('Experiment', { exact: true }).selectOption('blobs');
  await another.getByLabel('Its memory budget (MB)').fill('2');
  await another.getByLabel('Reserve up front').check();

  const status = page.getByTestId('train-status');
  const anotherStatus = page.getByTestId('another-status');
  const row = (name: string) => page.locator(`[data-testid="device-row"][data-name="${name}"]`);

  await page.getByRole('button', { name: /Train/ }).click();
  await expect(status).toHaveAttribute('data-status', 'training');
  await expect(row('Blobs MLP').getByTestId('held')).toHaveText(/2\.0 MB\s*reserved/);

  await another.getByRole('button', { name: 'Run another experiment on this device' }).click();
  await expect(anotherStatus).toHaveAttribute('data-status', 'failed');
  await expect(another.getByTestId('oom-message')).toHaveText(
    /^ResourceExhaustedError: OOM when reserving 2\.0 MB on webgpu — capacity 3\.0 MB, in use 2\.0 MB/,
  );
  await expect(another.getByTestId('remedies')).toContainText("'Blobs MLP' reserved 2.0 MB up front");
  const growth = another.getByRole('button', { name: 'Apply: memory growth' });
  await expect(growth).toBeVisible();
  // The device view lists both: the first holding its reservation, the second refused and holding nothing.
  await expect(page.getByTestId('device-row')).toHaveCount(2);
  await expect(row('Blobs MLP #2')).toHaveAttribute('data-status', 'failed');
  await expect(row('Blobs MLP #2').getByTestId('held')).toHaveText('—');
  await expect(status).toHaveAttribute('data-status', 'training');
  await shot(page, 'shared-device-refused');

  // Stop the first, switch it to memory growth; apply the growth remedy to the second.
  await page.getByRole('button', { name: '■ Stop', exact: true }).click();
  await expect(status).toHaveAttribute('data-status', 'stopped');
  await expect(page.getByTestId('device-total')).toContainText('0 B held');
  await growth.click();
  await expect(another.getByLabel('Grow on demand')).toBeChecked();
  await page.getByRole('tab', { name: 'Memory' }).click();
  await page.getByLabel('Grow on demand').check();
  await page.getByLabel('Epochs').fill('6');
  await page.getByRole('tab', { name: 'Device' }).click();

  // Both run at once on the same 3 MB, each holding what it uses.
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(status).toHaveAttribute('data-status', 'training');
  await another.getByRole('button', { name: 'Run another experiment on this device' }).click();
  await expect(anotherStatus).toHaveAttribute('data-status', /starting|training/);
  await expect(another.getByTestId('failure')).toHaveCount(0);
  await expect(status).toHaveAttribute('data-status', 'training');
  await shot(page, 'shared-device-both-running');
  await expect(row('Blobs MLP')).toHaveAttribute('data-mode', 'growth');
  await expect(row('Blobs MLP #2')).toHaveAttribute('data-mode', 'growth');
  // Under growth each holds what it uses: the live bytes its worker's tracker reports (measured).
  await expect(row('Blobs MLP').getByTestId('used')).toHaveText(/^[1-9][\d.]* (B|KB|MB)$/);
  await expect(row('Blobs MLP').getByTestId('held')).toHaveText(/^[1-9][\d.]* (B|KB|MB)\s*measured$/);

  await expect(anotherStatus).toHaveAttribute('data-status', 'finished', { timeout: 110_000 });
  await expect(status).toHaveAttribute('data-status', 'finished', { timeout: 110_000 });
  await expect(anotherStatus).toContainText('Training finished: 3 epochs');
  await expect(status).toContainText('Training finished: 6 epochs');
  await expect(page.getByTestId('device-row')).toHaveCount(2);
  await expect(page.getByTestId('device-total')).toContainText('0 B held');
  expect(problems.errors).toEqual([]);
});
