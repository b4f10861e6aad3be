import { test, expect, layerNode } from './fixtures';
import type { Page } from '@playwright/test';

// Everything below is done with the keyboard: focus + key presses, typing into fields, choosing options.
// No click, no mouse.

async function add(page: Page, label: string) {
  await page.getByRole('button', { name: `Add ${label} layer` }).press('Enter');
}

async function setField(page: Page, label: string, value: string) {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(value);
  await field.press('Enter');
  await expect(page.getByTestId('arg-error')).toHaveCount(0);
}

async function setActivation(page: Page, value: string) {
  await page.getByLabel('Activation', { exact: true }).selectOption(value);
}

test('builds the multimodal model from an empty canvas with the keyboard alone', async ({
  page,
  problems,
}) => {
  await page.goto('/?experiment=blobs');
  await expect(layerNode(page, 'dense_1')).toBeVisible();

  // Templates → Blank canvas, as a menu button: ArrowDown opens the menu on its first item.
  await page.getByRole('button', { name: 'Templates' }).press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Blank canvas' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(0);

  // Image branch: Input 224×224×3 → Conv2D 32 k3 relu → GlobalAveragePooling2D → Dropout 0.5.
  await add(page, 'Input');
  await setField(page, 'Name', 'image');
  await setField(page, 'Batch shape', 'None, 224, 224, 3');
  await add(page, 'Conv2D');
  await setField(page, 'Filters', '32');
  await setField(page, 'Kernel size', '3, 3');
  await setActivation(page, 'relu');
  await add(page, 'GlobalAveragePooling2D');
  await add(page, 'Dropout');
  await setField(page, 'Rate', '0.5');

  // Numerical branch: Input 10 → Dense 64 relu → Dropout 0.1 → Dense 32 relu.
  await add(page, 'Input');
  await setField(page, 'Name', 'numerical');
  await setField(page, 'Batch shape', 'None, 10');
  await add(page, 'Dense');
  await setField(page, 'Units', '64');
  await setActivation(page, 'relu');
  await add(page, 'Dropout');
  await setField(page, 'Rate', '0.1');
  await add(page, 'Dense');
  await setField(page, 'Units', '32');
  await setActivation(page, 'relu');

  // Merge: Concatenate after the numerical branch, its second input connected from the inspector.
  await add(page, 'Concatenate');
  await page.getByLabel('Connect input from…').selectOption({ label: 'dropout (Dropout)' });
  await expect(page.getByRole('group', { name: 'Connection from dropout to concatenate' })).toHaveCount(1);
  await add(page, 'Dense');
  await setField(page, 'Units', '64');
  await setActivation(page, 'relu');
  await add(page, 'Dense');
  await setField(page, 'Units', '1');
  await setActivation(page, 'sigmoid');

  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(11);
  await expect(page.locator('[data-testid="node-error"]')).toHaveCount(0);
  const totals = page.getByTestId('summary-totals');
  await expect(totals).toHaveAttribute('data-total', '7905');
  await expect(totals).toContainText('7,905');

  // A layer moves with the arrow keys; the move is kept in the graph, so it is one undo step.
  const node = page.locator('.svelte-flow__node', { has: layerNode(page, 'image') });
  await node.focus();
  await node.press('Enter');
  const y = async () => (await node.boundingBox())!.y;
  const before = await y();
  await node.press('Shift+ArrowDown');
  await node.press('Shift+ArrowDown');
  await expect.poll(y).toBeGreaterThan(before + 10);
  await node.press('Control+z');
  await expect.poll(y).toBeGreaterThan(before + 1);
  await node.press('Control+z');
  await expect.poll(y).toBeCloseTo(before, 0);
  await expect(totals).toHaveAttribute('data-total', '7905');
  await page.getByRole('tab', { name: 'Code' }).press('Enter');
  await expect(page.getByTestId('code-python')).toContainText('keras.Model(');
  expect(problems.errors).toEqual([]);
});
