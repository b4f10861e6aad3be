import type { Page } from '@playwright/test';
import { test, expect, epochLosses } from './fixtures';

/** Chooses WASM in the header and trains the blobs MLP (3 epochs); returns the badge's adapter title. */
async function trainOnWasm(page: Page): Promise<string> {
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-backend', 'webgpu');
  await page.getByTestId('backend-choice').selectOption('wasm');
  await expect(badge).toHaveAttribute('data-backend', 'wasm');
  const title = (await badge.getAttribute('title')) ?? '';
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText('Training finished', { timeout: 110_000 });
  const losses = await epochLosses(page);
  expect(losses.length).toBeGreaterThan(0);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(losses[0]);
  return title;
}

test('WASM runs on several threads in the cross-origin isolated app, and trains', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(cores, 'this test needs a machine with two logical cores or more').toBeGreaterThan(1);

  const title = await trainOnWasm(page);
  // The count is tfjs's own (XNNPACK's thread pool, read back after it started): one per core, at most 8.
  expect(title).toBe(`adapter: WebAssembly, SIMD, ${Math.min(cores, 8)} threads`);
  await expect(page.getByTestId('backend-fallback')).toHaveCount(0);

  // The training worker is isolated (it shares memory with its threads), and tfjs started its thread pool
  // there: blob: workers, 8 of them in tfjs 4.22 (not asked anything: a thread of a pool waits in
  // Atomics.wait and does not answer).
  const trainer = page.workers().find((w) => /trainer\.worker-.*\.js$/.test(w.url()));
  expect(trainer, 'the training worker').toBeDefined();
  expect(await trainer!.evaluate(() => self.crossOriginIsolated && typeof SharedArrayBuffer)).toBe(
    'function',
  );
  const threadWorkers = page.workers().filter((w) => w.url().startsWith('blob:'));
  expect(threadWorkers.length).toBeGreaterThanOrEqual(Math.min(cores, 8) - 1);
  expect(problems.errors).toEqual([]);
});

test('WASM runs on one thread, and says why, on a host that sends no COOP/COEP headers', async ({
  page,
  problems,
}) => {
  // The page as a static host without the headers would serve it (the scripts keep theirs; isolation is the
  // document's).
  await page.route(
    (url) => url.pathname === '/',
    async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    },
  );
  await page.goto('/?experiment=blobs');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);

  const title = await trainOnWasm(page);
  expect(title).toBe('adapter: WebAssembly, SIMD, single thread');
  const notice = page.getByTestId('backend-fallback');
  await expect(notice).toContainText('WebAssembly runs on one thread');
  await expect(notice).toContainText('not cross-origin isolated');
  expect(problems.errors).toEqual([]);
});

test('WASM falls back to one thread, and says why, when a Content-Security-Policy blocks its thread workers', async ({
  page,
  problems,
}) => {
  // A host whose Content-Security-Policy (on the worker's script too) allows no blob: workers: tfjs's thread
  // workers never run, and nothing tells tfjs; the violation event tells Kiln, which starts the
  // single-threaded build at once (not after its 20 s watchdog).
  await page.route(/trainer\.worker-.*\.js$/, async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers(), 'content-security-policy': "worker-src 'self'" };
    await route.fulfill({ response, headers });
  });
  await page.goto('/?experiment=blobs');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  const title = await trainOnWasm(page);
  expect(title).toBe('adapter: WebAssembly, SIMD, single thread');
  const notice = page.getByTestId('backend-fallback');
  await expect(notice).toContainText('WebAssembly runs on one thread: its thread pool did not start');
  await expect(notice).toContainText('Content-Security-Policy (worker-src) forbids the blob: workers');
  await expect(notice).toContainText("worker-src 'self' blob:");
  expect(problems.errors).toEqual([]);
});
