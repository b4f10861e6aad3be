import type { Page } from '@playwright/test';
import { test, expect, layerNode } from './fixtures';

/** The model's last layer (its output) and the layer feeding it, read from the summary table. */
async function outputLayer(page: Page): Promise<{ name: string; from: string }> {
  const last = page.locator('[data-testid="summary-table"] tbody tr').last();
  const name = (await last.locator('th button').textContent())!.trim();
  const from = (await last.locator('td').nth(2).textContent())!
    .trim()
    .split(',')[0]
    .replace(/\[.*$/, '')
    .trim();
  return { name, from };
}

test('deleting the edge into the output layer marks that layer and disables Train', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  const train = page.getByRole('button', { name: /Train/ });
  await expect(train).toBeEnabled();
  const { name, from } = await outputLayer(page);

  // Keyboard path through Svelte Flow: focus the edge, select it with Enter, delete it.
  const edge = page.getByRole('group', { name: `Connection from ${from} to ${name}` });
  await edge.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Delete');
  await expect(edge).toHaveCount(0);

  const node = layerNode(page, name);
  await expect(node).toHaveAttribute('data-invalid', 'true');
  await expect(node.getByTestId('node-error')).toBeVisible();
  await expect(train).toBeDisabled();
  await expect(page.getByTestId('train-blockers')).toContainText('Can’t train yet');
  expect(problems.errors).toEqual([]);
});

test('an invalid arg value is refused with its reason next to the field', async ({ page, problems }) => {
  await page.goto('/?experiment=blobs');
  const { name } = await outputLayer(page);
  await layerNode(page, name).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);

  const units = page.getByLabel('Units', { exact: true });
  const before = await units.inputValue();
  await units.fill('-3');
  await units.press('Enter');
  await expect(page.locator('[data-arg="units"] [data-testid="arg-error"]')).toBeVisible();
  // The graph kept its last good value: the summary still lists the same parameter count as before.
  await units.fill(before);
  await units.press('Enter');
  await expect(page.locator('[data-testid="arg-error"]')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Train/ })).toBeEnabled();
  expect(problems.errors).toEqual([]);
});
