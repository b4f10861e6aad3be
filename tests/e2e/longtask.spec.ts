import { test, expect } from './fixtures';

declare global {
  interface Window {
    __longTasks: number[];
  }
}

test('training never blocks the main thread for more than 200 ms', async ({ page, problems }) => {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');
  // Page load may legitimately take a long task; only the training window is measured.
  await page.waitForTimeout(500);
  const before = await page.evaluate(() => window.__longTasks.length);

  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText('Training finished', { timeout: 110_000 });

  const during = await page.evaluate((from) => window.__longTasks.slice(from), before);
  expect(
    during.filter((ms) => ms > 200),
    `long tasks: ${during.join(', ')} ms`,
  ).toEqual([]);
  expect(problems.errors).toEqual([]);
});
