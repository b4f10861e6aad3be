import { test, expect, epochLosses } from './fixtures';

test('Auto times the blobs model on every backend, shows the figures, and trains on the fastest', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-backend', 'webgpu');

  await page.getByTestId('backend-choice').selectOption('auto');
  await expect(page.getByTestId('auto-pending')).toBeVisible();
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText('Training finished', { timeout: 110_000 });

  const pick = page.getByTestId('auto-pick');
  await pick.locator('summary').click();
  const trials = pick.getByTestId('auto-trial');
  await expect(trials).toHaveCount(4);
  const rows = await trials.evaluateAll((els) =>
    els.map((el) => ({
      backend: (el as HTMLElement).dataset.backend,
      status: (el as HTMLElement).dataset.status,
      text: el.textContent ?? '',
    })),
  );
  expect(rows.map((r) => r.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  // A dense model has every kernel on every backend, and all four start in this browser: each is measured.
  for (const row of rows) expect(row.text).toMatch(/[\d,]+\s*[\d.]+ ms × \d/);
  const measured = rows.filter((r) => r.status === 'measured');
  expect(measured.map((r) => r.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  const rates = measured.map((r) => ({
    backend: r.backend,
    rate: Number(/^\D+([\d,]+)/.exec(r.text)![1].replaceAll(',', '')),
  }));
  const fastest = rates.reduce((a, b) => (b.rate > a.rate ? b : a));
  await expect(badge).toHaveAttribute('data-backend', fastest.backend!);
  await expect(badge).toContainText('(auto)');
  await expect(page.getByTestId('auto-pick-reason')).toContainText('fastest');
  expect((await epochLosses(page)).every(Number.isFinite)).toBe(true);
  expect(problems.errors).toEqual([]);
});

test('trains the blobs model on WASM when WASM is chosen', async ({ page, problems }) => {
  await page.goto('/?experiment=blobs');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByTestId('backend-choice').selectOption('wasm');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-backend', 'wasm');
  // What ran: the threaded SIMD build, the page being cross-origin isolated (wasm-threads.spec.ts has more).
  await expect(badge).toHaveAttribute('title', /^adapter: WebAssembly, SIMD, [2-8] threads$/);
  await page.getByRole('button', { name: /Train/ }).click();
  const status = page.getByTestId('train-status');
  await expect(status).toContainText('Training on wasm', { timeout: 60_000 });
  await expect(status).toContainText('Training finished', { timeout: 110_000 });
  const losses = await epochLosses(page);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(losses[0]);
  expect(problems.errors).toEqual([]);
});
