import { test, expect } from './fixtures';

// Not a check: renders the app for the README (docs/screenshot.png) after a short training run.
test('screenshot for the README', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).not.toHaveAttribute('data-backend', '');
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText(/Training (finished|failed)/, {
    timeout: 110_000,
  });
  await page.locator('[data-testid="layer-node"]').last().click();
  await page.screenshot({ path: 'docs/screenshot.png' });
});
