// The report and the export of a real full wipe in the rehearsal lab (test/lab): three sshd hosts, the registry,
// kubectl against the test API server, the vendor stand-ins. Set FIELDBOOK_UPDATE_DOCS=1 to refresh the screenshot.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { readTar } from '../../src/report/tar.js';
import { secretForms } from '../../src/secrets/secret-forms.js';
import { REPO, runCli } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { compileLab, fieldbook, labUp } from '../lab/lab-harness.js';
import { DOC_SHOT, launchChromium } from './browser.js';

const APPROVALS = ['--approve', 'maintenance-window', '--record', 'maintenance-window.ticket=CHG-LAB-7', '--approve', 'wipe-bucket'];

let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  await compileLab();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

describe('the report of a full wipe in the lab', () => {
  it('shows every step on cp1-cp3, the confirmations, the timeline; the export holds no lab secret', { timeout: 180_000 }, async () => {
    const lab = await labUp({ addresses: ['127.0.0.71', '127.0.0.72', '127.0.0.73'] });
    onTestFinished(() => lab.down());
    const home = tempDirForTest('fieldbook-lab-report-');
    const runsDir = join(home, 'runs');
    const ran = await fieldbook(['run', 'acp-registry-full-wipe', '--site', lab.paths.site, '--ui', 'plain', '--run-id', 'lab-wipe', ...APPROVALS], { home, runId: 'lab-wipe', env: lab.secretEnv });
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);

    const json = await runCli(['report', 'lab-wipe', '--format', 'json', '--runs-dir', runsDir], { cwd: home });
    const report = JSON.parse(json.stdout) as Report;
    expect(report.run.condition).toBe('succeeded');
    expect(report.site.hosts.map((h) => h.name)).toEqual(['cp1', 'cp2', 'cp3']);
    const written = await runCli(['report', 'lab-wipe', '--format', 'html', '--runs-dir', runsDir], { cwd: home });
    expect(written.code, written.stderr).toBe(0);
    const file = join(runsDir, 'lab-wipe', 'report.html');

    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    try {
      await page.goto(pathToFileURL(file).href);
      expect(await page.locator('header .badge.succeeded').textContent()).toBe('Finished');
      for (const step of report.steps) expect(await page.locator(`article#step-${step.id} h3`).textContent()).toContain(step.title);
      expect(await page.locator('article.step').count()).toBe(report.steps.length);
      // Every control-plane host has its group in the timeline, with a bar per attempt.
      const groups = await page.locator('svg.timeline text.group-label').allTextContents();
      expect(groups).toEqual(expect.arrayContaining(['cp1', 'cp2', 'cp3']));
      const attempts = report.steps.flatMap((s) => s.units.flatMap((u) => u.attempts)).length;
      expect(await page.locator('svg.timeline rect.bar').count()).toBe(attempts);
      // The confirmations: the maintenance window's checklist and the wipe's phrase, by flag, with who.
      const records = await page.locator('#records td[data-label="what"]').allTextContents();
      expect(records).toEqual([expect.stringMatching(/^checklist done .*by flag$/), `confirmed "${report.site.name}" by flag`]);
      expect(await page.locator('#step-wipe-bucket .record.confirmation').count()).toBe(1);
      // Every archive of the run with its size and sha256, one row per control-plane node.
      const backups = page.locator('#step-backup-minio table.records');
      expect(await backups.locator('th').allTextContents()).toEqual(['host', 'archive', 'tarBytes', 'dataBytes', 'sha256']);
      const rows = await backups.locator('tbody tr').allInnerTexts();
      expect(rows).toHaveLength(3);
      for (const [i, host] of ['cp1', 'cp2', 'cp3'].entries()) expect(rows[i]).toMatch(new RegExp(`^${host}\\s+/cpaas/backup/lab-wipe/${host}-minio\\.tar\\s+\\d+\\s+\\d+\\s+[0-9a-f]{64}$`));
      // The records the wipe relied on, as tables.
      const captions = await page.locator('#step-record-installed figure.records figcaption').allTextContents();
      expect(captions).toEqual(['operators: 2 records', 'plugins: 4 records', 'packages: 6 records']);
      expect(requests).toEqual([pathToFileURL(file).href]);
      const shot = join(home, 'report-lab-full-wipe.png');
      await page.screenshot({ path: shot, fullPage: true, clip: DOC_SHOT });
      if (process.env['FIELDBOOK_UPDATE_DOCS'] === '1') copyFileSync(shot, join(REPO, 'docs', 'report-lab-full-wipe.png'));
    } finally {
      await page.close();
    }

    // The archive: checked for every lab secret (the registry's, the platform's token and password), and holding none.
    const exported = await runCli(['export', 'lab-wipe', '-o', 'lab.tar.gz', '--runs-dir', runsDir], { cwd: home, env: lab.secretEnv });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/checked for registryPassword, platformToken, platformPassword/);
    const secrets = Object.values(lab.secretEnv);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const entry of readTar(gunzipSync(readFileSync(join(home, 'lab.tar.gz'))))) {
      for (const secret of secrets) for (const form of secretForms(secret)) expect(entry.data.includes(Buffer.from(form)), `${entry.path} holds a form of a lab secret`).toBe(false);
    }
  });
});
