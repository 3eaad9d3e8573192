import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** `fieldbook show` of a real run whose outputs are lists of records, and per-item outputs: tables, every row. */

const PLUGINS = [
  { module: 'logcenter', lifecycle: 'aligned', displayName: 'Log Center', installed: ['global:v3.18.2', 'business-1:v3.16.4'] },
  { module: 'harbor', lifecycle: 'agnostic', displayName: 'Harbor | registry', installed: ['global:v2.12.2'] },
  ...Array.from({ length: 10 }, (_, i) => ({ module: `plugin-${i + 1}`, lifecycle: 'aligned', displayName: `Plugin ${i + 1}`, installed: [`global:v1.${i}.0`] })),
];

const SHA = '5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: records, title: Record the plugins }
steps:
  - id: record-plugins
    readonly: true
    run: |
      cat <<'EOF'
      ${JSON.stringify({ items: PLUGINS })}
      EOF
    capture: { plugins: { json: true, path: items } }
  - id: backup
    foreach: [cp1, cp2, cp3]
    run: echo "archive=/cpaas/backup/\${{ item }}-minio.tar bytes=7340032 sha=${SHA}"
    capture:
      archive: { regex: 'archive=(\\S+)' }
      tarBytes: { regex: 'bytes=(\\d+)' }
      sha256: { regex: 'sha=(\\w+)' }
`;

async function madeRun(): Promise<string> {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', RUNBOOK);
  const run = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r'], { cwd: dir });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  return dir;
}

describe('fieldbook show: outputs that are records', () => {
  it('a list of records is a table with every row and every cell whole; per-item outputs a row per item', async () => {
    const dir = await madeRun();
    const show = await runCli(['show', 'r'], { cwd: dir });
    expect(show.code, show.stderr).toBe(0);
    const lines = show.stdout.split('\n');
    const title = lines.indexOf('    plugins: 12 records');
    expect(title).toBeGreaterThan(0);
    expect(lines[title + 1]).toMatch(/^ {6}module +lifecycle +displayName +installed$/);
    expect(lines[title + 2]).toMatch(/^ {6}logcenter +aligned +Log Center +global:v3\.18\.2, business-1:v3\.16\.4$/);
    expect(lines[title + 3]).toMatch(/^ {6}harbor +agnostic +Harbor \| registry +global:v2\.12\.2$/);
    for (let i = 0; i < 10; i++) expect(lines[title + 4 + i]).toMatch(new RegExp(`^ {6}plugin-${i + 1} +aligned +Plugin ${i + 1} +global:v1\\.${i}\\.0$`));
    // The columns line up: each starts where its header starts.
    const header = lines[title + 1]!;
    for (const row of lines.slice(title + 2, title + 14)) expect(row.indexOf('aligned') === -1 ? row.indexOf('agnostic') : row.indexOf('aligned')).toBe(header.indexOf('lifecycle'));

    const perItem = lines.indexOf('    outputs per item');
    expect(perItem).toBeGreaterThan(title);
    expect(lines[perItem + 1]).toMatch(/^ {6}item +archive +tarBytes +sha256$/);
    for (const [i, host] of ['cp1', 'cp2', 'cp3'].entries()) expect(lines[perItem + 2 + i]).toMatch(new RegExp(`^ {6}${host} +/cpaas/backup/${host}-minio\\.tar +7340032 +${SHA}$`));
    expect(show.stdout).not.toMatch(/\.\.\.|…/);
  });

  it('--json is the replayed state: outputs as the data they are', async () => {
    const dir = await madeRun();
    const show = await runCli(['show', 'r', '--json'], { cwd: dir });
    expect(show.code, show.stderr).toBe(0);
    const state = JSON.parse(show.stdout) as { steps: { id: string; outputs: Record<string, unknown> }[] };
    expect(state.steps.find((s) => s.id === 'record-plugins')?.outputs).toEqual({ plugins: PLUGINS });
    expect(state.steps.find((s) => s.id === 'backup')?.outputs['sha256']).toEqual([SHA, SHA, SHA]);
  });
});
