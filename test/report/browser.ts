import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); the report tests need it and never skip without it. */
export const CHROMIUM = '/usr/bin/chromium';

/** The part of a report page kept as a screenshot in docs/: the header, the timeline and the first steps. */
export const DOC_SHOT = { x: 0, y: 0, width: 1000, height: 1700 };

/** Headless Chromium with an empty profile and no background traffic of its own; closed by `close()`. */
export async function launchChromium(viewport = { width: 1000, height: 900 }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (the HTML report tests need it)`);
  const profile = mkdtempSync(join(tmpdir(), 'fieldbook-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
    offline: false,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
