import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli, writeFixture } from '../harness/cli.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { tempDirForTest } from '../harness/tmp.js';
import { writeLabSite } from '../ssh/helpers.js';
import { launchChromium } from './browser.js';

/**
 * Outputs that are records in the reports of a real run: the plugins recorded before a wipe (a list of records
 * captured as JSON), and a backup on three real sshd hosts (one value per host). Both are tables, every row whole.
 */

const PLUGINS = [
  { module: 'logcenter', lifecycle: 'aligned', displayName: 'Log Center', installed: ['global:v3.18.2', 'business-1:v3.16.4'] },
  { module: 'harbor', lifecycle: 'agnostic', displayName: 'Harbor | <b>registry</b>', installed: ['global:v2.12.2'], note: 'pushed by hand\nafter the upgrade' },
  { module: 'monitoring', lifecycle: 'aligned', displayName: '监控 *core*', installed: [] },
];

const HOSTS = ['n1', 'n2', 'n3'];
const payload = (host: string) => `minio data of ${host}\n`;
const sha = (host: string) => createHash('sha256').update(payload(host)).digest('hex');

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: records, title: Record and back up }
roles: { nodes: { min: 3 } }
steps:
  - id: record-plugins
    readonly: true
    run: |
      cat <<'EOF'
      ${JSON.stringify(PLUGINS)}
      EOF
    capture: { plugins: { json: true } }
  - id: backup-minio
    on: nodes
    run: |
      echo "archive=/cpaas/backup/\${{ host.name }}-minio.tar"
      echo "tarBytes=$(printf 'minio data of %s\\n' \${{ host.name }} | wc -c)"
      echo "sha256=$(printf 'minio data of %s\\n' \${{ host.name }} | sha256sum | cut -d' ' -f1)"
    capture:
      archive: { regex: 'archive=(\\S+)' }
      tarBytes: { regex: 'tarBytes=(\\d+)' }
      sha256: { regex: 'sha256=(\\w+)' }
`;

let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function madeRun(): Promise<string> {
  const dir = tempDirForTest();
  const labs: SshdLab[] = [];
  for (const _ of HOSTS) labs.push(await startSshd());
  onTestFinished(async () => {
    for (const lab of labs) await lab.stop();
  });
  writeLabSite(dir, labs);
  writeFixture(dir, 'runbook.yaml', RUNBOOK);
  const run = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r'], { cwd: dir });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return dir;
}

describe('reports: outputs that are records', () => {
  it('Markdown: a GFM table per list of records and one row per host, cells escaped', async () => {
    const dir = await madeRun();
    const md = await runCli(['report', 'r', '--format', 'md'], { cwd: dir });
    expect(md.code, md.stderr).toBe(0);
    const lines = md.stdout.split('\n');
    const plugins = lines.indexOf('plugins: 3 records');
    expect(lines.slice(plugins + 1, plugins + 7)).toEqual([
      '',
      '| module | lifecycle | displayName | installed | note |',
      '|---|---|---|---|---|',
      '| logcenter | aligned | Log Center | global:v3.18.2, business-1:v3.16.4 |  |',
      '| harbor | agnostic | Harbor \\| \\<b\\>registry\\</b\\> | global:v2.12.2 | pushed by hand<br>after the upgrade |',
      '| monitoring | aligned | 监控 \\*core\\* |  |  |',
    ]);
    const hosts = lines.indexOf('outputs per host');
    expect(lines.slice(hosts + 2, hosts + 7)).toEqual([
      '| host | archive | tarBytes | sha256 |',
      '|---|---|---|---|',
      ...HOSTS.map((h) => `| ${h} | /cpaas/backup/${h}-minio.tar | ${payload(h).length} | ${sha(h)} |`),
    ]);
    // Neither is also given as a line of JSON cut at 300 characters.
    expect(md.stdout).not.toContain('Captured:');
  });

  it('HTML: a real table with a header row, the text of every cell, nothing interpreted as markup', async () => {
    const dir = await madeRun();
    const written = await runCli(['report', 'r', '--format', 'html'], { cwd: dir });
    expect(written.code, written.stderr).toBe(0);
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(join(dir, '.fieldbook', 'runs', 'r', 'report.html')).href, { waitUntil: 'load' });
    const table = async (step: string) => {
      const figure = page.locator(`article#step-${step} figure.records`);
      await expect(figure.count()).resolves.toBe(1);
      return {
        caption: await figure.locator('figcaption').textContent(),
        header: await figure.locator('table thead th').allTextContents(),
        rows: await Promise.all((await figure.locator('table tbody tr').all()).map((tr) => tr.locator('td').allInnerTexts())),
        markup: await figure.locator('table tbody b').count(),
      };
    };
    expect(await table('record-plugins')).toEqual({
      caption: 'plugins: 3 records',
      header: ['module', 'lifecycle', 'displayName', 'installed', 'note'],
      rows: [
        ['logcenter', 'aligned', 'Log Center', 'global:v3.18.2, business-1:v3.16.4', ''],
        ['harbor', 'agnostic', 'Harbor | <b>registry</b>', 'global:v2.12.2', 'pushed by hand\nafter the upgrade'],
        ['monitoring', 'aligned', '监控 *core*', '', ''],
      ],
      markup: 0,
    });
    expect(await table('backup-minio')).toEqual({
      caption: 'outputs per host',
      header: ['host', 'archive', 'tarBytes', 'sha256'],
      rows: HOSTS.map((h) => [h, `/cpaas/backup/${h}-minio.tar`, String(payload(h).length), sha(h)]),
      markup: 0,
    });
    // The table stays inside its step's card: no cell pushes the page sideways.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await page.close();
  });
});
