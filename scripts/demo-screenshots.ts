// Screenshots of the dashboard during `chainwatch demo` (light and dark, phone), for docs/screenshots/.
// Usage: npx tsx scripts/demo-screenshots.ts OUT_DIR   (needs Redis, chromium and a built dist/web)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { runDemo } from '../src/app/demo/run-demo.js';

const out = process.argv[2] ?? 'docs/screenshots';
const token = `demo-screenshots-${Date.now()}`;
mkdirSync(out, { recursive: true });

async function login(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/movements`);
  await page.getByLabel('Operator token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('table.movements tbody tr').first().waitFor();
}

await runDemo({
  outDir: '.demo',
  redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  timeoutMs: 180_000,
  adminToken: token,
  print: (line) => process.stdout.write(`${line}\n`),
  afterScenario: async (url) => {
    const base = url.replace(/\/movements$/, '');
    const browser = await chromium.launch({ executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      for (const scheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: scheme });
        const page = await context.newPage();
        await login(page, base);
        await page.screenshot({ path: join(out, `demo-movements-${scheme}.png`) });
        await page.goto(`${base}/incidents/demo-heist-2026`);
        await page.locator('.trail canvas').first().waitFor();
        await page.screenshot({ path: join(out, `demo-incident-${scheme}.png`) });
        await context.close();
      }
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, colorScheme: 'dark' });
      const page = await phone.newPage();
      await login(page, base);
      await page.screenshot({ path: join(out, 'demo-movements-phone.png') });
    } finally {
      await browser.close();
    }
  },
});
