import { test, expect } from './fixtures';

// After a short run the screen shows the editor, the summary and the curves together. The picture goes to
// reports/; `UPDATE_README_SCREENSHOT=1 npm run test:e2e` refreshes the README's docs/screenshot.png instead.
test('after training, the editor, the summary and the curves are all on screen', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).not.toHaveAttribute('data-backend', '');
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText(/Training finished/, { timeout: 110_000 });
  await page.locator('[data-testid="layer-node"]').last().click();
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(3);
  await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled();
  // Three epochs of training loss are drawn on the loss chart.
  await expect(page.locator('circle[data-series="loss"]')).toHaveCount(3);
  const path = process.env.UPDATE_README_SCREENSHOT === '1' ? 'docs/screenshot.png' : 'reports/app.png';
  await page.screenshot({ path });
});
