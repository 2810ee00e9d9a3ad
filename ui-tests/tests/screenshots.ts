import type { Locator, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Screenshot `target` into the test's output and copy it into
 * `ui-tests/<folder>/` for people to look at (git-ignored, not committed).
 */
export async function saveScreenshot(
  target: Locator,
  testInfo: TestInfo,
  folder: string,
  name: string
): Promise<void> {
  const file = testInfo.outputPath(name);
  await target.screenshot({ path: file, animations: 'disabled' });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  const dir = path.resolve(__dirname, '..', folder);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, name));
}
