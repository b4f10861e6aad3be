import { test, expect, layerNode } from './fixtures';
import type { Page } from '@playwright/test';

// Kiln keeps the experiment being edited in IndexedDB: a reload brings back the same graph and name, and
// "My models" lists every saved one. Each test starts in a fresh browser context, so with empty storage.

const nodes = (page: Page) => page.locator('[data-testid="layer-node"]');
const saveStatus = (page: Page) => page.getByTestId('save-status');

async function renameModel(page: Page, name: string) {
  const field = page.getByRole('textbox', { name: 'Model name' });
  await field.fill(name);
  await field.press('Enter');
  await expect(field).toHaveValue(name);
}

test('an edited model and its name survive a reload', async ({ page, problems }) => {
  await page.goto('/');
  await expect(nodes(page).first()).toBeVisible();
  await expect(saveStatus(page)).toHaveText('Not edited yet');
  const before = await nodes(page).count();

  await page.getByRole('button', { name: 'Add Dropout layer' }).click();
  await expect(nodes(page)).toHaveCount(before + 1);
  await renameModel(page, 'Digits with dropout');
  await expect(saveStatus(page)).toHaveText('Saved');
  const names = await nodes(page).evaluateAll((all) => all.map((n) => n.getAttribute('data-name')).sort());
  await expect(layerNode(page, 'dropout')).toBeVisible();

  await page.reload();
  await expect(nodes(page)).toHaveCount(before + 1);
  expect(await nodes(page).evaluateAll((all) => all.map((n) => n.getAttribute('data-name')).sort())).toEqual(
    names,
  );
  await expect(page.getByRole('textbox', { name: 'Model name' })).toHaveValue('Digits with dropout');
  await expect(saveStatus(page)).toHaveText('Saved');
  // The reopened graph is the real model: its summary counts the added layer.
  await expect(page.locator('[data-testid="summary-table"] tbody tr')).toHaveCount(before + 1);
  expect(problems.errors).toEqual([]);
});

test('My models: create, duplicate, open another, rename and delete with undo', async ({
  page,
  problems,
}) => {
  await page.goto('/');
  await expect(nodes(page).first()).toBeVisible();
  await renameModel(page, 'First model');
  await expect(saveStatus(page)).toHaveText('Saved');

  const dialog = page.getByRole('dialog', { name: 'My models' });
  const rows = dialog.getByTestId('saved-model');
  await page.getByRole('button', { name: 'My models' }).click();
  await expect(dialog).toBeVisible();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('First model (open)');

  // A new model from a template opens at once and is listed.
  await dialog.getByLabel('New model from').selectOption({ label: 'Blobs MLP' });
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toBeHidden();
  await expect(nodes(page)).toHaveCount(3);
  await expect(page.getByRole('textbox', { name: 'Model name' })).toHaveValue('Blobs MLP');

  // Duplicate the first model, then open the copy.
  await page.getByRole('button', { name: 'My models' }).click();
  await expect(rows).toHaveCount(2);
  await dialog.getByRole('button', { name: 'Duplicate First model', exact: true }).click();
  await expect(rows).toHaveCount(3);
  await expect(dialog.getByTestId('my-models-message')).toContainText('Saved a copy as “First model (copy)”');
  await dialog.getByRole('button', { name: 'Open First model (copy)', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('textbox', { name: 'Model name' })).toHaveValue('First model (copy)');
  await expect(nodes(page)).not.toHaveCount(3);

  // Rename another from the list, by keyboard.
  await page.getByRole('button', { name: 'My models' }).click();
  await dialog.getByRole('button', { name: 'Rename Blobs MLP', exact: true }).click();
  const newName = dialog.getByRole('textbox', { name: 'New name for Blobs MLP' });
  await newName.fill('Two blobs');
  await newName.press('Enter');
  await expect(rows.filter({ hasText: 'Two blobs' })).toHaveCount(1);

  // Delete, undo, delete again; the open model cannot be deleted.
  await expect(dialog.getByRole('button', { name: 'Delete First model (copy)', exact: true })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Delete First model', exact: true }).click();
  await expect(rows).toHaveCount(2);
  await dialog.getByRole('button', { name: 'Undo delete' }).click();
  await expect(rows).toHaveCount(3);
  await dialog.getByRole('button', { name: 'Delete Two blobs', exact: true }).click();
  await expect(rows).toHaveCount(2);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // After a reload the list is what it was left as, and the model opened last is open.
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Model name' })).toHaveValue('First model (copy)');
  await page.getByRole('button', { name: 'My models' }).click();
  await expect(rows).toHaveCount(2);
  expect(await rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-name')).sort())).toEqual([
    'First model',
    'First model (copy)',
  ]);
  expect(problems.errors).toEqual([]);
});

test('?experiment= still opens exactly that experiment when another is saved', async ({ page, problems }) => {
  await page.goto('/');
  await expect(nodes(page).first()).toBeVisible();
  await renameModel(page, 'Saved default');
  await expect(saveStatus(page)).toHaveText('Saved');
  await page.goto('/?experiment=blobs');
  await expect(nodes(page)).toHaveCount(3);
  await expect(page.getByRole('textbox', { name: 'Model name' })).toHaveValue('Blobs MLP');
  expect(problems.errors).toEqual([]);
});

test('a saved record the schema refuses is not opened: the default opens with a notice, and the record is kept', async ({
  page,
  problems,
}) => {
  await page.goto('/');
  await expect(nodes(page).first()).toBeVisible();
  await renameModel(page, 'Soon broken');
  await expect(saveStatus(page)).toHaveText('Saved');
  // Break the stored spec as an old or corrupt record would be.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('kiln-experiments');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction('experiments', 'readwrite').objectStore('experiments');
          const all = store.getAll();
          all.onsuccess = () => {
            const record = all.result[0];
            store.put({ ...record, spec: { ...record.spec, fit: { ...record.spec.fit, epochs: -3 } } });
            store.transaction.oncomplete = () => (db.close(), resolve());
          };
        };
      }),
  );
  await page.reload();
  const notice = page.getByTestId('storage-notice');
  await expect(notice).toContainText('“Soon broken” could not be opened');
  await expect(notice).toContainText('fit.epochs');
  await expect(page.getByRole('textbox', { name: 'Model name' })).toHaveValue('MNIST MLP');
  await page.getByRole('button', { name: 'My models' }).click();
  const row = page.getByTestId('saved-model').filter({ hasText: 'Soon broken' });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('button', { name: 'Open Soon broken' })).toBeDisabled();
  expect(problems.errors).toEqual([]);
});

test('without IndexedDB (a private window) editing works and the header says why nothing is saved', async ({
  page,
  problems,
}) => {
  await page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
  await page.goto('/');
  await expect(page.getByTestId('storage-notice')).toContainText('Saved models are unavailable');
  const before = await nodes(page).count();
  await page.getByRole('button', { name: 'Add Dropout layer' }).click();
  await expect(nodes(page)).toHaveCount(before + 1);
  await expect(saveStatus(page)).toContainText('Not saved: this browser gives the page no IndexedDB');
  expect(problems.errors).toEqual([]);
});
