import { describe, expect, it } from 'vitest';
import { KEY, feed, mount, ranUnit, startedModel, step } from './helpers.js';

/** Outputs that are lists of records, and fan-out outputs, in the step details: tables, never cut. */

const PLUGINS = [
  { module: 'logcenter', lifecycle: 'aligned', displayName: 'Log Center', installed: ['global:v3.18.2', 'business-1:v3.16.4'] },
  { module: 'harbor', lifecycle: 'agnostic', displayName: 'Harbor', installed: ['global:v2.12.2'] },
  { module: 'monitoring', lifecycle: 'aligned', displayName: '监控', installed: ['global:v3.18.0', 'business-1:v3.18.0'] },
];

const OPERATORS = Array.from({ length: 12 }, (_, i) => ({ cluster: i % 2 ? 'business-1' : 'global', name: `operator-${i + 1}`, artifact: `operator-${i + 1}`, installedCSV: `operator-${i + 1}.v1.${i}.0` }));

const SHA = ['5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef', '9b74c9897bac770ffc029102a200c5de63ce5a3b1eb1b3b1d7b7e7b0c2d6f0a1', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'];

/** A finished step that captured `outputs` on `local`, then a pending one (so the first is picked with ↑). */
async function finished(id: string, outputs: Record<string, unknown>, size = { columns: 80, rows: 24 }) {
  const model = startedModel([step(id, { kind: 'kubectl', targets: ['kubectl'] }), step('wipe-bucket', { destructive: true })]);
  feed(model, { type: 'step-started', step: id, units: 1 }, ...ranUnit(id, 'kubectl', 'succeeded', { exitCode: 0, output: '[{"module":"logcenter"}]\n', outputs }), { type: 'step-finished', step: id, status: 'succeeded', durationMs: 1200 });
  const tui = await mount(model, size);
  await tui.press(KEY.up);
  return tui;
}

describe('TUI step details: outputs that are records', () => {
  it('a list of records is a table: a header, a row per record, every cell whole', async () => {
    const tui = await finished('record-plugins', { plugins: PLUGINS, count: 3 });
    const live = tui.live();
    const title = live.findIndex((l) => l === '⇒ plugins: 3 records');
    expect(title).toBeGreaterThan(0);
    expect(live.slice(title + 1, title + 5)).toEqual([
      '  module      lifecycle  displayName  installed',
      '  logcenter   aligned    Log Center   global:v3.18.2, business-1:v3.16.4',
      '  harbor      agnostic   Harbor       global:v2.12.2',
      '  monitoring  aligned    监控         global:v3.18.0, business-1:v3.18.0',
    ]);
    expect(live).toContain('⇒ count = 3');
    expect(live.join('\n')).not.toContain('more row');
  });

  it('keeps to its rows: whole records, then how many are hidden and where to read them all', async () => {
    const tui = await finished('record-operators', { operators: OPERATORS });
    const live = tui.live();
    expect(live.length).toBeLessThanOrEqual(23);
    const title = live.indexOf('⇒ operators: 12 records');
    expect(live[title + 1]).toMatch(/^ {2}cluster +name +artifact +installedCSV$/);
    const shown = live.filter((l) => /^ {2}(global|business-1) +operator-\d+ /.test(l));
    expect(shown.length).toBeGreaterThan(0);
    shown.forEach((line, i) => expect(line).toMatch(new RegExp(`operator-${i + 1} +operator-${i + 1} +operator-${i + 1}\\.v1\\.${i}\\.0$`)));
    expect(live).toContain(`… ${12 - shown.length} more rows: see fieldbook show r1`);
  });

  it('a step on several hosts: one row per host, host first, a long value wrapped onto continuation lines', async () => {
    const model = startedModel([step('backup-minio', { targets: ['cp1', 'cp2', 'cp3'] }), step('wipe-bucket')]);
    feed(model, { type: 'step-started', step: 'backup-minio', units: 3 });
    ['cp1', 'cp2', 'cp3'].forEach((host, i) => feed(model, ...ranUnit('backup-minio', host, 'succeeded', { exitCode: 0, outputs: { archive: `/cpaas/backup/${host}-minio.tar`, tarBytes: 73400320 + i, sha256: SHA[i] } })));
    feed(model, { type: 'step-finished', step: 'backup-minio', status: 'succeeded', durationMs: 5000 });
    const tui = await mount(model, { columns: 80, rows: 30 });
    await tui.press(KEY.up);
    const live = tui.live();
    const title = live.indexOf('⇒ outputs per host');
    expect(live[title + 1]).toMatch(/^ {2}host +archive +tarBytes +sha256$/);
    const after = live.slice(title + 2);
    const table = after.slice(0, after.findIndex((l) => !l.startsWith('  ')));
    expect(table).toHaveLength(6);
    for (const [i, host] of ['cp1', 'cp2', 'cp3'].entries()) {
      const start = table.findIndex((l) => l.startsWith(`  ${host} `));
      expect(table[start]).toMatch(new RegExp(`^ {2}${host} +/cpaas/backup/${host}-minio\\.tar +${73400320 + i} +[0-9a-f]+$`));
      // The hash goes on under its column until it is whole; nothing is cut or ends in an ellipsis.
      const column = table[start]!.lastIndexOf(' ') + 1;
      const rows = [table[start]!, ...table.slice(start + 1).filter((_, j, rest) => rest.slice(0, j + 1).every((l) => l.startsWith(' '.repeat(column))))];
      expect(rows.map((l) => l.slice(column)).join('')).toBe(SHA[i]);
      for (const line of rows) expect(line.length).toBeLessThanOrEqual(80);
    }
    expect(table.join('\n')).not.toContain('…');
  });
});
