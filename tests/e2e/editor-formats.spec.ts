import { readFile } from 'node:fs/promises';
import { test, expect, layerNode } from './fixtures';

test('a model.json exported by Kiln imports into a blank canvas and trains', async ({
  page,
  problems,
}, info) => {
  await page.goto('/?experiment=blobs');
  await expect(layerNode(page, 'dense_1')).toBeVisible();

  // Export the blobs model (Input 2 → Dense 16 → Dense 3) as model.json.
  await page.getByRole('button', { name: 'Export' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Export model.json' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('model.json');
  const file = info.outputPath('model.json');
  await download.saveAs(file);
  const json = JSON.parse(await readFile(file, 'utf8'));
  expect(['Functional', 'Model']).toContain(json.class_name);

  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('menuitem', { name: 'Blank canvas' }).click();
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(0);

  await page.getByLabel('Import model.json').setInputFiles(file);
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(3);
  await expect(page.getByTestId('summary-totals')).toHaveAttribute('data-total', '99');

  await page.getByRole('button', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toContainText('Training finished', { timeout: 110_000 });
  expect(problems.errors).toEqual([]);
});

test('a model.json with unknown layers is refused whole, with every problem listed', async ({ page }) => {
  await page.goto('/?experiment=blobs');
  await expect(layerNode(page, 'dense_1')).toBeVisible();
  const bad = {
    class_name: 'Functional',
    config: {
      name: 'bad',
      layers: [
        {
          class_name: 'InputLayer',
          name: 'in',
          config: { name: 'in', batch_shape: [null, 4] },
          inbound_nodes: [],
        },
        { class_name: 'FancyLayer', name: 'f', config: { name: 'f' }, inbound_nodes: [[['in', 0, 0, {}]]] },
        { class_name: 'WeirdLayer', name: 'w', config: { name: 'w' }, inbound_nodes: [[['f', 0, 0, {}]]] },
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [['w', 0, 0]],
    },
  };
  await page.getByLabel('Import model.json').setInputFiles({
    name: 'model.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bad)),
  });
  const error = page.getByTestId('import-error');
  await expect(error).toContainText('nothing was changed');
  await expect(error).toContainText('FancyLayer');
  await expect(error).toContainText('WeirdLayer');
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(3);
  await expect(layerNode(page, 'dense_1')).toBeVisible();
});

test('the diagram exports as SVG and PNG', async ({ page }, info) => {
  await page.goto('/?experiment=blobs');
  await expect(layerNode(page, 'dense_1')).toBeVisible();
  for (const [item, ext] of [
    ['Export SVG', 'svg'],
    ['Export PNG', 'png'],
  ]) {
    await page.getByRole('button', { name: 'Export' }).click();
    const downloading = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: item }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`blobs-mlp.${ext}`);
    const path = info.outputPath(`diagram.${ext}`);
    await download.saveAs(path);
    const bytes = await readFile(path);
    if (ext === 'svg') expect(bytes.toString('utf8')).toContain('data-node="dense_1"');
    else expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  }
});
