import { test, expect, layerNode } from './fixtures';

test('the code view shows a template as Keras Python and TF.js, and copies it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?experiment=blobs');
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('menuitem', { name: 'Binary classifier' }).click();
  await expect(layerNode(page, 'dense_2')).toBeVisible();

  await page.getByRole('tab', { name: 'Code' }).click();
  const python = page.getByTestId('code-python');
  await expect(python).toContainText('keras.Model(');
  await expect(python).toContainText('learning_rate=0.05');
  await expect(page.getByTestId('code-javascript')).toContainText('tf.model(');
  await page.getByRole('button', { name: 'Copy Keras Python' }).click();
  await expect(page.getByText('Copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('keras.Model(');

  // Live: an edit shows up in the code (undo from the code view).
  await page.keyboard.press('Control+z');
  await expect(python).toContainText('layers.Dense(units=16');
});

test('the Sequential view lists a stack, or names the node that breaks it', async ({ page }) => {
  await page.goto('/?experiment=blobs');
  await page.getByRole('tab', { name: 'Sequential view' }).click();
  const list = page.getByTestId('sequential-list');
  await expect(list.locator('li')).toHaveCount(3);
  await expect(list.locator('li[data-name="dense"]')).toContainText('(None, 16)');
  await expect(list.locator('li[data-name="dense"]')).toContainText('48 params');

  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('menuitem', { name: 'Image + numbers' }).click();
  await page.getByRole('tab', { name: 'Sequential view' }).click();
  await expect(page.getByTestId('sequential-problem')).toContainText('numerical is a second Input');
});

test('a shared layer is drawn as shared and the inspector shows layer docs', async ({ page }) => {
  await page.goto('/?experiment=blobs');
  await layerNode(page, 'dense_1').click();
  await expect(page.getByTestId('layer-docs')).toContainText('Input → output');
  await page.getByRole('button', { name: 'Share this layer' }).click();
  const badges = page.getByTestId('shared-badge');
  await expect(badges).toHaveText(['shared: 2 calls', 'shared with dense_1']);
});
