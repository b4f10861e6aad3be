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
    await use(problems);
  },
});

export { expect };

/** The layer node drawn on the canvas for a Keras layer name. */
export const layerNode = (page: Page, name: string) =>
  page.locator(`[data-testid="layer-node"][data-name="${name}"]`);

/** Per-epoch logs as the epoch table exposes them (`data-loss` on each row). */
export async function epochLosses(page: Page): Promise<number[]> {
  return page
    .locator('[data-testid="history"] tbody tr')
    .evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.loss)));
}
