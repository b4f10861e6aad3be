import { test, expect } from './fixtures';

test('opens on the default model with its summary and no console errors', async ({ page, problems }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kiln' })).toBeVisible();
  await expect(page.locator('[data-testid="layer-node"]').first()).toBeVisible();

  // The default MNIST MLP: the summary's total is the sum of its rows, and it is the model's real count.
  const totals = page.getByTestId('summary-totals');
  const total = Number(await totals.getAttribute('data-total'));
  expect(total).toBeGreaterThan(0);
  const rowSum = await page
    .locator('[data-testid="summary-table"] tbody tr td:nth-child(3)')
    .evaluateAll((cells) => cells.reduce((sum, c) => sum + Number(c.textContent!.replace(/,/g, '')), 0));
  expect(rowSum).toBe(total);
  await expect(page.getByTestId('total-params')).toHaveText(total.toLocaleString('en-US'));

  // The Keras text form carries the same total.
  await page.getByRole('button', { name: 'Show Keras text' }).click();
  await expect(page.getByTestId('keras-summary')).toContainText(
    `Total params: ${total.toLocaleString('en-US')}`,
  );

  // Nothing is wrong with the default model, so Train is enabled and no node is drawn as invalid.
  await expect(page.getByRole('button', { name: /Train/ })).toBeEnabled();
  await expect(page.locator('[data-testid="layer-node"][data-invalid="true"]')).toHaveCount(0);

  // The worker starts and reports its backend before anyone presses Train.
  await expect(page.getByTestId('backend-badge')).not.toHaveAttribute('data-backend', '');
  expect(problems.errors).toEqual([]);
});

test('runs under a strict Content-Security-Policy', async ({ page, problems }) => {
  const csp =
    "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:";
  await page.route(/\/(\?.*)?$/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  await page.goto('/?experiment=blobs');
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(3);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText('Training finished', { timeout: 110_000 });
  expect(problems.errors).toEqual([]);
});
