import { test, expect, layerNode } from './fixtures';

test('a refused connection says why; palette adds a wired layer', async ({ page, problems }) => {
  await page.goto('/?experiment=blobs');
  await expect(layerNode(page, 'dense_1')).toBeVisible();

  // dense_1 → dense would close a cycle: src/graph refuses it and the reason is shown.
  const from = page.locator('.svelte-flow__handle[data-nodeid="dense_1"][data-handleid="out"]');
  const to = page.locator('.svelte-flow__handle[data-nodeid="dense"][data-handleid="in-0"]');
  await from.hover();
  await page.mouse.down();
  const box = (await to.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);

  // Clicking a palette entry with dense_1 selected adds the layer after it, connected.
  await layerNode(page, 'dense_1').click();
  await page.getByRole('button', { name: 'Add Dropout layer' }).click();
  await expect(layerNode(page, 'dropout')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Connection from dense_1 to dropout' })).toHaveCount(1);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('dropout');
  expect(problems.errors).toEqual([]);
});

test('a worker that dies is reported as a failure and the graph is kept', async ({ page }) => {
  await page.route(/trainer\.worker.*\.js$/, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: "throw new Error('simulated crash');" }),
  );
  await page.goto('/?experiment=blobs');
  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText('Training failed', { timeout: 30_000 });
  await expect(page.getByTestId('failure')).toContainText('worker crashed');
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(3);
  await expect(page.getByRole('button', { name: /Train/ })).toBeEnabled();
});
