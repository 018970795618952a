import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The pictures e2e tests take for the docs. They always go to test-output/screenshots, so a test run leaves
 * the checkout as it was; with UPDATE_SCREENSHOTS=1 the docs' own copies in docs/images are renewed too.
 */
const SCREENSHOTS = resolve(__dirname, '../../test-output/screenshots');
const DOCS_IMAGES = resolve(__dirname, '../../docs/images');

export async function saveScreenshot(
  target: { screenshot(options: { path: string; fullPage: boolean }): Promise<unknown> },
  name: string,
): Promise<void> {
  const folders = process.env.UPDATE_SCREENSHOTS === '1' ? [SCREENSHOTS, DOCS_IMAGES] : [SCREENSHOTS];
  for (const folder of folders) {
    mkdirSync(folder, { recursive: true });
    await target.screenshot({ path: join(folder, name), fullPage: true });
  }
}
