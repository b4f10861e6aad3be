import { test, expect, layerNode } from './fixtures';
import type { Locator, Page } from '@playwright/test';

// A palette click adds the layer where the user is looking: inside the visible canvas, clear of other nodes,
// selected, whatever the view was panned to.

const canvas = (page: Page) => page.locator('.svelte-flow');

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('no bounding box');
  return b;
}

/** Drags the empty pane by (dx, dy) from its top corner on the side the drag starts from. */
async function pan(page: Page, dx: number, dy: number) {
  const view = await box(canvas(page));
  const x = dx < 0 ? view.x + view.width - 30 : view.x + 30;
  const y = dy < 0 ? view.y + view.height - 160 : view.y + 30;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 12 });
  await page.mouse.up();
}

/** Whether the node is drawn wholly inside the canvas's visible rectangle. */
async function inView(page: Page, node: Locator) {
  const view = await box(canvas(page));
  const b = await box(node);
  return (
    b.x >= view.x &&
    b.y >= view.y &&
    b.x + b.width <= view.x + view.width &&
    b.y + b.height <= view.y + view.height
  );
}

/** The blobs model in a window tall enough for the canvas to have room above the minimap. */
async function openBlobs(page: Page) {
  await page.setViewportSize({ width: 1600, height: 1200 });
  await page.goto('/?experiment=blobs');
  await expect(layerNode(page, 'dense_1')).toBeVisible();
}

async function expectAddedInView(page: Page, label: string, name: string) {
  const before = await page.locator('[data-testid="layer-node"]').count();
  await page.getByRole('button', { name: `Add ${label} layer` }).click();
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(before + 1);
  const node = layerNode(page, name);
  await expect(node).toHaveClass(/\bselected\b/);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
  await expect.poll(() => inView(page, node)).toBe(true);
  // Clear of every other node.
  const added = await box(node);
  for (const other of await page.locator('[data-testid="layer-node"]').all()) {
    if ((await other.getAttribute('data-name')) === name) continue;
    const b = await box(other);
    const apart =
      b.x >= added.x + added.width ||
      added.x >= b.x + b.width ||
      b.y >= added.y + added.height ||
      added.y >= b.y + b.height;
    expect(apart).toBe(true);
  }
}

test('a palette click adds the layer inside the panned view, selected and wired', async ({
  page,
  problems,
}) => {
  await openBlobs(page);

  // Select dense_1, then pan it to the right edge: the spot right of it is off-screen, so the layer goes into
  // the view beside it (it used to land out of sight), wired to it.
  await layerNode(page, 'dense_1').click();
  const view = await box(canvas(page));
  const before = await box(layerNode(page, 'dense_1'));
  await pan(page, view.x + view.width - 40 - (before.x + before.width), 0);
  await expectAddedInView(page, 'Dropout', 'dropout');
  await expect(page.getByRole('group', { name: 'Connection from dense_1 to dropout' })).toHaveCount(1);
  const from = await box(layerNode(page, 'dense_1'));
  const added = await box(layerNode(page, 'dropout'));
  expect(Math.abs(added.x - from.x)).toBeLessThan(from.width * 2);
  expect(Math.abs(added.y - from.y)).toBeLessThan(from.height * 3);

  // Adding is one undoable step.
  await page.keyboard.press('Control+z');
  await expect(layerNode(page, 'dropout')).toHaveCount(0);
  await page.keyboard.press('Control+y');
  await expect(layerNode(page, 'dropout')).toHaveCount(1);
  expect(problems.errors).toEqual([]);
});

test('with the graph panned out of sight, a palette click still adds the layer in view', async ({
  page,
  problems,
}) => {
  await openBlobs(page);

  const view = await box(canvas(page));
  await pan(page, -(view.width - 60), 0);
  await pan(page, -(view.width - 60), 0);
  for (const name of ['input_layer', 'dense', 'dense_1'])
    expect(await inView(page, layerNode(page, name))).toBe(false);

  await expectAddedInView(page, 'Dense', 'dense_2');
  // A second click finds the next free spot, still in view.
  await expectAddedInView(page, 'Dropout', 'dropout');
  expect(problems.errors).toEqual([]);
});

test('a paste whose copies land out of view pans the view to them', async ({ page, problems }) => {
  await openBlobs(page);

  await layerNode(page, 'dense_1').click();
  await page.keyboard.press('Control+c');
  // The originals go out of sight to the left: the copies, beside them, would be too.
  const view = await box(canvas(page));
  await pan(page, -(view.width - 60), 0);
  await pan(page, -(view.width - 60), 0);
  expect(await inView(page, layerNode(page, 'dense_1'))).toBe(false);

  await page.keyboard.press('Control+v');
  const pasted = layerNode(page, 'dense_2');
  await expect(pasted).toHaveCount(1);
  await expect.poll(() => inView(page, pasted)).toBe(true);
  expect(problems.errors).toEqual([]);
});
