import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { secretForms } from '../../src/secrets/secret-forms.js';
import { REPO, runCli } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { DOC_SHOT, launchChromium } from './browser.js';
import { FINISHED_SECRET, finishedRun, TROUBLED_SECRET, troubledRun, type MadeRun } from './runs.js';

/**
 * The HTML report of real runs, opened in headless Chromium: what a customer or support engineer sees. Set
 * FIELDBOOK_UPDATE_DOCS=1 to refresh the screenshots in docs/.
 */

let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const operator = `${userInfo().username}@${hostname()}`;

/** `fieldbook report --format html` (written to the run directory), then the page, counting every request it makes. */
async function openReport(run: MadeRun, viewport = { width: 1000, height: 900 }): Promise<{ page: Page; requests: string[]; file: string; report: Report }> {
  const written = await runCli(['report', run.runId, '--format', 'html', '--runs-dir', run.runsDir], { cwd: run.dir });
  expect(written.code, written.stderr).toBe(0);
  const file = join(run.runsDir, run.runId, 'report.html');
  expect(written.stdout).toContain('report.html');
  const json = await runCli(['report', run.runId, '--format', 'json', '--runs-dir', run.runsDir], { cwd: run.dir });
  const report = JSON.parse(json.stdout) as Report;
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests, file, report };
}

async function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allTextContents();
}

/** Every step has its section, with its title; the table of contents links them all. */
async function expectSteps(page: Page, report: Report, ids: readonly string[]): Promise<void> {
  expect(report.steps.map((s) => s.id)).toEqual(ids);
  for (const step of report.steps) {
    const section = page.locator(`article#step-${step.id}`);
    await expect(section.count()).resolves.toBe(1);
    expect(await section.locator('h3').textContent()).toContain(step.title);
    expect(await page.locator(`nav.toc a[href="#step-${step.id}"]`).count()).toBe(1);
  }
}

/** Nothing but the page itself was requested: no fonts, images, scripts or beacons. */
function expectNoRequestLeaves(requests: readonly string[], file: string): void {
  expect(requests).toEqual([pathToFileURL(file).href]);
}

async function expectPhoneAndPrint(page: Page, docName: string, dir: string): Promise<void> {
  // Desktop screenshot first (kept in docs/ on request), then a phone: nothing wider than the screen but the
  // timeline, which scrolls inside its card.
  const shot = join(dir, docName);
  await page.screenshot({ path: shot, fullPage: true, clip: DOC_SHOT });
  if (process.env['FIELDBOOK_UPDATE_DOCS'] === '1') copyFileSync(shot, join(REPO, 'docs', docName));
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  expect(await page.locator('table.units thead').first().isVisible()).toBe(false);
  expect(await page.locator('.scroll-hint').isVisible()).toBe(true);
  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('nav.toc').isVisible()).toBe(false);
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
}

function expectNoSecret(html: string, secret: string): void {
  for (const form of secretForms(secret)) expect(html.includes(form), `the report holds a form of the secret: ${JSON.stringify(form)}`).toBe(false);
}

describe('the HTML report in headless Chromium', () => {
  it('a finished full wipe: every step, the confirmation record, the timeline; no request leaves the page', async () => {
    const dir = tempDirForTest();
    const run = await finishedRun(dir);
    const { page, requests, file, report } = await openReport(run);
    try {
      expect(await page.title()).toBe('Clean up the demo image registry (full wipe) — demo-site — finished');
      expect(await page.locator('header .badge.succeeded').textContent()).toBe('Finished');
      await expectSteps(page, report, run.steps);
      expect(await page.locator('article.step.succeeded').count()).toBe(5);
      // Per-item outcomes of the foreach step.
      expect(await texts(page, '#step-repush table.units td[data-label="unit"]')).toEqual(['repush[0: app/web:1.2]', 'repush[1: app/api:3.4]', 'repush[2: tools/debug:latest]']);

      // The confirmation: who, how, the phrase, when.
      const record = page.locator('#step-wipe-bucket .record.confirmation');
      const recordText = (await record.textContent()) ?? '';
      expect(recordText).toContain('confirmed "demo-site" by flag');
      expect(recordText).toContain(operator);
      expect(recordText).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      expect(await texts(page, '#records td[data-label="what"]')).toEqual(['confirmed "demo-site" by flag']);

      // The timeline: one host row group (local), a bar per attempt, the confirmation as a mark.
      expect(await texts(page, 'svg.timeline text.group-label')).toEqual(run.hosts);
      expect(await texts(page, 'svg.timeline text.row-label:not(.operator)')).toEqual(run.steps);
      expect(await page.locator('svg.timeline rect.bar.ok').count()).toBe(7);
      expect(await page.locator('svg.timeline rect.bar:not(.ok)').count()).toBe(0);
      expect(await page.locator('svg.timeline path.mark.confirm').count()).toBe(1);
      const box = await page.locator('svg.timeline').boundingBox();
      expect(box?.width).toBeGreaterThan(600);

      // Output excerpts with links to the full logs, relative to the report, and masked.
      const link = page.locator('#step-wipe-bucket a.log').first();
      expect(await link.getAttribute('href')).toBe('logs/wipe-bucket/local.log');
      expect(existsSync(resolve(join(file, '..'), 'logs/wipe-bucket/local.log'))).toBe(true);
      expect(await page.locator('#step-wipe-bucket figure.excerpt pre').textContent()).toBe('login to registry.demo:5000 with ****\nbucket wiped');
      expectNoSecret(readFileSync(file, 'utf8'), FINISHED_SECRET);

      expectNoRequestLeaves(requests, file);
      await expectPhoneAndPrint(page, 'report-finished.png', dir);
      expectNoRequestLeaves(requests, file);
    } finally {
      await page.close();
    }
  });

  it('a run with a failure, a retry, and unknown outcomes settled with --decide, over two SSH hosts', async () => {
    const dir = tempDirForTest();
    const run = await troubledRun(dir);
    const { page, requests, file, report } = await openReport(run);
    try {
      expect(await page.locator('header .badge.failed').textContent()).toBe('Failed');
      await expectSteps(page, report, run.steps);
      expect(await page.locator('#step-verify').getAttribute('class')).toContain('failed');
      expect(await page.locator('#step-verify .meta').textContent()).toContain('verify@n2: exit code 3');
      expect(await page.locator('#step-verify figure.excerpt pre').last().textContent()).toBe('agent on n2 does not answer on :9100');
      // The retry: n1's first download failed with exit 28, the second succeeded.
      expect(await page.locator('#step-download td[data-label="attempts"]').first().textContent()).toBe('2: ✘ 28 → ✔ 0');

      // Hosts: in the timeline and in the site section.
      expect(await texts(page, 'svg.timeline text.group-label')).toEqual(run.hosts);
      expect(await texts(page, '#site td[data-label="host"]')).toEqual(run.hosts);

      // Confirmation and decisions, with who and how.
      expect(await page.locator('#step-stop-agents .record.confirmation').textContent()).toContain(`confirmed "acme-staging" by flag — ${operator}`);
      const decisions = await texts(page, '#step-migrate .record.decision');
      expect(decisions).toHaveLength(2);
      expect(decisions[0]).toMatch(/Decision for n1: decided done: .* \(by flag\)/);
      expect(decisions[1]).toMatch(/Decision for n2: decided rerun: .* \(by flag\)/);

      // The unknown outcomes and how they were settled.
      const unknownRows = page.locator('#unknowns tbody tr');
      expect(await unknownRows.count()).toBe(2);
      expect(await texts(page, '#unknowns td[data-label="settled"]')).toEqual([expect.stringContaining('decided done'), expect.stringContaining('decided rerun')]);
      expect(await texts(page, '#unknowns td[data-label="ended"]')).toEqual(['succeeded', 'succeeded']);

      // The timeline: a bar per attempt; failures red, unknowns hatched, the retry and the re-run tagged, the
      // decisions marked, the resume drawn.
      const attempts = report.steps.flatMap((s) => s.units.flatMap((u) => u.attempts));
      expect(await page.locator('svg.timeline rect.bar').count()).toBe(attempts.length);
      expect(await page.locator('svg.timeline rect.bar.fail').count()).toBe(2);
      expect(await page.locator('svg.timeline rect.bar.unk').count()).toBe(2);
      expect(await texts(page, 'svg.timeline text.bar-tag')).toEqual(expect.arrayContaining(['↻2', '↻2', '?', '?', '✘', '✘']));
      expect(await page.locator('svg.timeline circle.mark.decide').count()).toBe(2);
      expect(await page.locator('svg.timeline path.mark.confirm').count()).toBe(1);
      expect(await page.locator('svg.timeline line.resume').count()).toBe(1);
      expect(await page.locator('svg.timeline rect.bar.fail title').first().textContent()).toContain('download@n1 attempt 1: failed, exit 28');
      expectNoSecret(readFileSync(file, 'utf8'), TROUBLED_SECRET);

      expectNoRequestLeaves(requests, file);
      await expectPhoneAndPrint(page, 'report-troubled.png', dir);
      expectNoRequestLeaves(requests, file);
    } finally {
      await page.close();
    }
  });
});
