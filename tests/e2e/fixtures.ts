import { test as base, expect, type Page } from '@playwright/test';

/** Console errors and uncaught page errors seen during a test; every test asserts there are none. */
export interface PageProblems {
  errors: string[];
}

export const test = base.extend<{ problems: PageProblems }>({
  problems: async ({ page }, use) => {
    const problems: PageProblems = { errors: [] };
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.errors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.errors.push(`pageerror: ${error.message}`));
    await page.addInitScript(reportPressesOutsideCanvas);
    await use(problems);
  },
});

export { expect };

/**
 * Reports (as a console error, so the test fails) a press on a layer node that is not wholly inside the
 * visible canvas. Playwright scrolls xyflow's container to reach such a node and xyflow scrolls it back on the
 * next frame; when that lands between the press and the release, the click is split across two elements and
 * selects nothing (seen about once in ten runs of editor-undo). A user brings a layer into view before
 * clicking it; a test fits or pans the view first. Runs in the page, so it is self-contained.
 */
function reportPressesOutsideCanvas() {
  addEventListener(
    'mousedown',
    (event) => {
      const node = event.target instanceof Element ? event.target.closest('.svelte-flow__node') : null;
      const canvas = node?.closest('.svelte-flow');
      if (!node || !canvas) return;
      const box = node.getBoundingClientRect();
      const view = canvas.getBoundingClientRect();
      // Where the node sits with the container unscrolled, as xyflow keeps it.
      const left = box.left + canvas.scrollLeft;
      const top = box.top + canvas.scrollTop;
      if (
        left < view.left ||
        top < view.top ||
        left + box.width > view.right ||
        top + box.height > view.bottom
      )
        console.error(
          `e2e: pressed layer node ${node.getAttribute('data-id')} outside the visible canvas; fit or pan the view first`,
        );
    },
    true,
  );
}

/** The layer node drawn on the canvas for a Keras layer name. */
export const layerNode = (page: Page, name: string) =>
  page.locator(`[data-testid="layer-node"][data-name="${name}"]`);

/** Per-epoch logs as the epoch table exposes them (`data-loss` on each row). */
export async function epochLosses(page: Page): Promise<number[]> {
  return page
    .locator('[data-testid="history"] tbody tr')
    .evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.loss)));
}

/** Types into an inspector field as a user does (click, select all, type, Enter), and waits for it to be accepted. */
export async function setField(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.click();
  await field.press('ControlOrMeta+a');
  await page.keyboard.type(value);
  await field.press('Enter');
  await expect(page.getByTestId('arg-error')).toHaveCount(0);
}
