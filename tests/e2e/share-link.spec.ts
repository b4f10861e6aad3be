import type { Page } from '@playwright/test';
import { test, expect, epochLosses, layerNode, setField } from './fixtures';

/** The experiment's name: the header's Model name field. */
const experimentName = (page: Page) => page.getByLabel('Model name', { exact: true });

async function trainToTheEnd(page: Page): Promise<number[]> {
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText('Training finished', { timeout: 110_000 });
  return epochLosses(page);
}

async function setSeed(page: Page, seed: number) {
  const details = page.getByTestId('compile-fit-settings');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open)))
    await page.getByText(/^Compile & fit/).click();
  const field = page.getByTestId('fit-settings').getByLabel('seed');
  await field.fill(String(seed));
  await field.press('Enter');
  await expect(field).toHaveValue(String(seed));
}

/** The layer names on the canvas, in graph order. */
const layerNames = (page: Page) =>
  page
    .locator('[data-testid="layer-node"]')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-name')));

test('a copied link opens the same experiment in a new page, and it trains to the same loss', async ({
  page,
  context,
  problems,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?experiment=blobs');
  await expect(experimentName(page)).toHaveValue('Blobs MLP');
  // The page's own start on WebGPU first: a choice made while that is starting can be overtaken by it.
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');
  // Changes a visitor would see: the backend, epochs, batch size and seed.
  await page.getByTestId('backend-choice').selectOption('cpu');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'cpu');
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('Batch size').fill('16');
  await setSeed(page, 7);
  // And the graph: the hidden layer renamed and narrowed.
  await layerNode(page, 'dense').click();
  await setField(page, 'Name', 'hidden');
  await setField(page, 'Units', '8');
  await expect(layerNode(page, 'hidden')).toContainText('8');

  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByTestId('share-status')).toContainText('Link copied to the clipboard');
  await expect(page.getByTestId('share-panel')).toContainText('no trained weights');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/^http:\/\/localhost:\d+\/#x=1\.[A-Za-z0-9_-]+$/);
  const names = await layerNames(page);
  const first = await trainToTheEnd(page);
  expect(first).toHaveLength(1);
  expect(Number.isFinite(first[0])).toBe(true);

  const other = await context.newPage();
  const otherErrors: string[] = [];
  other.on('pageerror', (error) => otherErrors.push(error.message));
  await other.goto(link);
  await expect(experimentName(other)).toHaveValue('Blobs MLP');
  await expect(other.getByTestId('link-opened')).toContainText('seed 7, backend CPU');
  await expect(other.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'cpu');
  await expect(other.getByTestId('backend-choice')).toHaveValue('cpu');
  await expect(other.getByLabel('Epochs')).toHaveValue('1');
  await expect(other.getByLabel('Batch size')).toHaveValue('16');
  await other.getByText(/^Compile & fit/).click();
  await expect(other.getByTestId('fit-settings').getByLabel('seed')).toHaveValue('7');
  expect(await layerNames(other)).toEqual(names);
  expect(names).toContain('hidden');
  await other.locator('[data-testid="layer-node"][data-name="hidden"]').click();
  await expect(other.getByLabel('Units', { exact: true })).toHaveValue('8');
  await expect(other.getByTestId('link-backend-note')).toHaveCount(0);

  // Same seed, same backend (CPU): the same loss, exactly.
  expect(await trainToTheEnd(other)).toEqual(first);
  expect(otherErrors).toEqual([]);
  expect(problems.errors).toEqual([]);
});

test('a malformed link opens the default experiment and lists what is wrong', async ({ page, problems }) => {
  await page.goto('/#x=1.not*base64');
  await expect(experimentName(page)).toHaveValue('MNIST MLP');
  const alert = page.getByTestId('link-problems');
  await expect(alert).toContainText(
    'Could not open the experiment link: “MNIST MLP” is open and nothing was changed.',
  );
  await expect(alert).toContainText('not valid base64url: character 4 (“*”)');
  await page.getByRole('button', { name: 'Dismiss link problems' }).click();
  await expect(alert).toHaveCount(0);

  await page.goto('/?experiment=blobs#x=9.AAAA');
  await expect(experimentName(page)).toHaveValue('Blobs MLP');
  await expect(page.getByTestId('link-problems')).toContainText('made by a newer Kiln');
  expect(problems.errors).toEqual([]);
});

test('a link pasted into an open page opens at once, or asks first when there are edits', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  await expect(experimentName(page)).toHaveValue('Blobs MLP');
  // The Clipboard API refused: the link is shown in a field, selected for copying by hand.
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new Error('Write permission denied.'));
  });
  await setSeed(page, 11);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByTestId('share-status')).toContainText(
    'did not let Kiln copy (Write permission denied.)',
  );
  const field = page.getByTestId('share-link-field');
  await expect(field).toBeFocused();
  const link = await field.inputValue();
  expect(link).toMatch(/#x=1\./);
  await page.getByRole('button', { name: 'Close the link panel' }).click();

  // Unedited default experiment: the link replaces it at once.
  await page.goto('/');
  await expect(experimentName(page)).toHaveValue('MNIST MLP');
  await page.evaluate((hash) => (location.hash = hash), new URL(link).hash);
  await expect(experimentName(page)).toHaveValue('Blobs MLP');
  await expect(page.getByTestId('link-opened')).toContainText('seed 11');

  // Edited: the link waits; keeping the edits drops it from the address.
  await page.goto('/');
  await page.getByLabel('Epochs').fill('2');
  await page.evaluate((hash) => (location.hash = hash), new URL(link).hash);
  const pending = page.getByTestId('link-pending');
  await expect(pending).toContainText('Opening it replaces “MNIST MLP”');
  await pending.getByRole('button', { name: 'Keep my experiment' }).click();
  await expect(pending).toHaveCount(0);
  await expect(experimentName(page)).toHaveValue('MNIST MLP');
  await expect(page.getByLabel('Epochs')).toHaveValue('2');
  expect(await page.evaluate(() => location.hash)).toBe('');

  // Asked again, and told to open it.
  await page.evaluate((hash) => (location.hash = hash), new URL(link).hash);
  await page.getByTestId('link-pending').getByRole('button', { name: 'Open the link' }).click();
  await expect(experimentName(page)).toHaveValue('Blobs MLP');
  await expect(page.getByLabel('Epochs')).toHaveValue('3');
  expect(problems.errors).toEqual([]);
});
