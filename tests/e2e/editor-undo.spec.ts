import { test, expect, layerNode } from './fixtures';

const names = (page: import('@playwright/test').Page) =>
  page
    .locator('[data-testid="layer-node"]')
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.name));

test('undo and redo walk through a sequence of edits', async ({ page, problems }) => {
  await page.goto('/?experiment=blobs');
  await expect(layerNode(page, 'dense_1')).toBeVisible();
  const undo = page.getByRole('button', { name: 'Undo' });
  const redo = page.getByRole('button', { name: 'Redo' });
  await expect(undo).toBeDisabled();
  const start = await names(page);

  // 1. add a Dropout after dense_1; 2. rename it; 3. set its rate; 4. delete dense.
  await layerNode(page, 'dense_1').click();
  await page.getByRole('button', { name: 'Add Dropout layer' }).click();
  await expect(layerNode(page, 'dropout')).toBeVisible();
  // At this window size the view has no room for it: it goes beside the graph and the view pans to it. Fit the
  // view to bring every layer in before clicking them below.
  await page.getByRole('button', { name: 'Fit View' }).click();
  const name = page.getByLabel('Name', { exact: true });
  await name.fill('drop');
  await name.press('Enter');
  await expect(layerNode(page, 'drop')).toBeVisible();
  const rate = page.getByLabel('Rate', { exact: true });
  await rate.fill('0.3');
  await rate.press('Enter');
  await layerNode(page, 'dense').click();
  await page.keyboard.press('Delete');
  await expect(layerNode(page, 'dense')).toHaveCount(0);
  const end = await names(page);

  // Ctrl+Z four times: back to the start, one edit at a time.
  await page.keyboard.press('Control+z');
  await expect(layerNode(page, 'dense')).toBeVisible();
  await page.keyboard.press('Control+z');
  await layerNode(page, 'drop').click();
  await expect(page.getByLabel('Rate', { exact: true })).toHaveValue('0.5');
  await page.keyboard.press('Control+z');
  await expect(layerNode(page, 'dropout')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(layerNode(page, 'dropout')).toHaveCount(0);
  expect(await names(page)).toEqual(start);
  await expect(undo).toBeDisabled();

  // Redo with both shortcuts and the button, then the rest with Ctrl+Shift+Z.
  await page.keyboard.press('Control+y');
  await expect(layerNode(page, 'dropout')).toBeVisible();
  await redo.click();
  await expect(layerNode(page, 'drop')).toBeVisible();
  await page.keyboard.press('Control+Shift+Z');
  await page.keyboard.press('Control+Shift+Z');
  await expect(layerNode(page, 'dense')).toHaveCount(0);
  expect(await names(page)).toEqual(end);
  await expect(redo).toBeDisabled();

  // A new edit after an undo drops the redo list.
  await undo.click();
  await expect(redo).toBeEnabled();
  await layerNode(page, 'drop').click();
  await page.getByRole('button', { name: 'Add Dense layer' }).click();
  await expect(redo).toBeDisabled();
  expect(problems.errors).toEqual([]);
});

test('copy/paste keeps internal edges; several selected layers delete (and come back) together', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  await expect(layerNode(page, 'dense_1')).toBeVisible();

  await layerNode(page, 'dense').click();
  await layerNode(page, 'dense_1').click({ modifiers: ['ControlOrMeta'] });
  await expect(page.locator('.svelte-flow__node.selected')).toHaveCount(2);
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(layerNode(page, 'dense_2')).toBeVisible();
  await expect(layerNode(page, 'dense_3')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Connection from dense_2 to dense_3' })).toHaveCount(1);
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(5);

  await page.getByRole('button', { name: 'Fit View' }).click();
  await layerNode(page, 'dense_2').click();
  await layerNode(page, 'dense_3').click({ modifiers: ['ControlOrMeta'] });
  await page.keyboard.press('Delete');
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(3);
  await page.keyboard.press('Control+z');
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(5);
  expect(problems.errors).toEqual([]);
});
