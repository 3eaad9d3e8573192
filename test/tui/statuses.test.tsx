import { describe, expect, it } from 'vitest';
import { tuiOperator } from '../../src/ui/tui/tui-operator.js';
import { KEY, feed, mount, ranUnit, row, startedModel, step } from './helpers.js';

describe('TUI step list and details', () => {
  it('shows every step status with its own glyph', async () => {
    const model = startedModel([step('done'), step('broken'), step('not-needed'), step('cut-off'), step('busy'), step('wipe', { destructive: true }), step('later')]);
    feed(model, { type: 'step-started', step: 'done', units: 1 }, ...ranUnit('done', 'local', 'succeeded'), { type: 'step-finished', step: 'done', status: 'succeeded', durationMs: 1200 });
    feed(model, { type: 'step-started', step: 'broken', units: 1 }, ...ranUnit('broken', 'local', 'failed', { exitCode: 7, reason: 'exit code 7' }), { type: 'step-finished', step: 'broken', status: 'failed', durationMs: 900 });
    feed(model, { type: 'step-skipped', step: 'not-needed', reason: 'condition is false: params.hasCustomImages' });
    feed(model, { type: 'step-started', step: 'cut-off', units: 1 }, ...ranUnit('cut-off', 'local', 'unknown', { reason: 'connection lost' }));
    feed(model, { type: 'step-started', step: 'busy', units: 1 }, { type: 'unit-started', unit: { step: 'busy', target: 'local' }, attempt: 1, command: 'sleep 100' });
    void tuiOperator(model).confirm({ step: 'wipe', title: 'wipe', phrase: 'acme-prod', scope: ['local: this machine', 'rm -rf /data'] });
    const tui = await mount(model, { rows: 40 });
    expect(row(tui, 'done')).toMatch(/✔ +1\. done/);
    expect(row(tui, 'broken')).toMatch(/✘ +2\. broken/);
    expect(row(tui, 'not-needed')).toMatch(/↷ +3\. not-needed/);
    expect(row(tui, 'cut-off')).toMatch(/\? +4\. cut-off/);
    expect(row(tui, 'busy')).toMatch(/▶ +5\. busy/);
    expect(row(tui, 'wipe')).toMatch(/◆ +6\. wipe \[destructive\]/);
    expect(row(tui, 'later')).toMatch(/○ +7\. later/);
    // The waiting step is the one selected (›) and its dialog is open.
    expect(row(tui, 'wipe').startsWith('›')).toBe(true);
    expect(tui.frame()).toContain('DESTRUCTIVE');
    // Finished steps were also printed once above the live area, one summary line each.
    const printed = tui.frame().split('\n');
    expect(printed).toContain('✔ 1. done succeeded in 1.2s');
    expect(printed).toContain('✘ 2. broken failed in 0.9s');
    expect(printed).toContain('↷ 3. not-needed skipped: condition is false: params.hasCustomImages');
  });

  it('counts hosts and items: 2/3 hosts, 17/40 items', async () => {
    const items = Array.from({ length: 40 }, (_, i) => `plugin-${i}.tgz`);
    const model = startedModel([step('backup', { targets: ['cp1', 'cp2', 'cp3'] }), step('repush', { targets: ['cp1'] })]);
    feed(model, { type: 'step-started', step: 'backup', units: 3 }, ...ranUnit('backup', 'cp1', 'succeeded'), ...ranUnit('backup', 'cp2', 'succeeded'), { type: 'unit-started', unit: { step: 'backup', target: 'cp3' }, attempt: 1, command: 'tar' });
    let tui = await mount(model);
    expect(row(tui, 'backup')).toContain('2/3 hosts');
    feed(model, ...ranUnit('backup', 'cp3', 'succeeded'), { type: 'step-finished', step: 'backup', status: 'succeeded', durationMs: 5000 });
    feed(model, { type: 'step-started', step: 'repush', units: 40, items });
    for (let i = 0; i < 17; i++) feed(model, ...ranUnit('repush', 'cp1', 'succeeded', { item: { index: i, value: items[i]! } }));
    feed(model, { type: 'unit-started', unit: { step: 'repush', target: 'cp1', item: { index: 17, value: items[17]! } }, attempt: 1, command: 'violet push plugin-17.tgz' });
    tui = await mount(model);
    expect(row(tui, 'repush')).toContain('17/40 items');
    expect(tui.live().join('\n')).toContain('cp1: running (item 18: plugin-17.tgz)');
  });

  it('shows the selected step: description, masked command, output tail per host (←/→), exit code, duration, outputs', async () => {
    const model = startedModel([step('backup', { title: 'Back up MinIO', targets: ['cp1', 'cp2'] }), step('next')], {
      seeds: [{ id: 'backup', description: 'Copies /cpaas/minio to the backup directory.', planned: 'tar -cf /backup/x.tar /cpaas/minio' }],
    });
    feed(model, { type: 'step-started', step: 'backup', units: 2 });
    feed(model, { type: 'unit-started', unit: { step: 'backup', target: 'cp1' }, attempt: 1, command: 'mc alias set minio https://minio --password ****' });
    feed(model, { type: 'output', unit: { step: 'backup', target: 'cp1' }, stream: 'stdout', text: 'cp1 line 1\ncp1 line 2\n' });
    feed(model, ...ranUnit('backup', 'cp2', 'succeeded', { exitCode: 0, output: 'cp2 says size=42\n', outputs: { tarSize: '42' } }));
    const tui = await mount(model);
    let live = tui.live().join('\n');
    expect(live).toContain('Copies /cpaas/minio to the backup directory.');
    // The tail follows the host that printed last (cp2), with its exit code, duration and outputs.
    expect(live).toContain('│ cp2 says size=42');
    expect(live).toContain('exit 0');
    expect(live).toContain('took 1.2s');
    // A fan-out step's outputs are a table with a row per host that captured them.
    expect(live).toMatch(/⇒ outputs per host\n +host +tarSize\n +cp2 +42\n/);
    expect(live).toMatch(/hosts: +▶ cp1 +\[✔ cp2\]/);
    await tui.press(KEY.right);
    live = tui.live().join('\n');
    expect(live).toContain('│ cp1 line 2');
    expect(live).toContain('$ mc alias set minio https://minio --password ****');
    expect(live).not.toContain('cp2 says');
    expect(live).toMatch(/hosts: \[▶ cp1\]/);
  });

  it('follows the active step, lets ↑/↓ pick another, and f follows again', async () => {
    const model = startedModel([step('one', { title: 'First' }), step('two', { title: 'Second' })]);
    feed(model, { type: 'step-started', step: 'one', units: 1 }, ...ranUnit('one', 'local', 'succeeded', { output: 'from one\n' }), { type: 'step-finished', step: 'one', status: 'succeeded', durationMs: 10 });
    feed(model, { type: 'step-started', step: 'two', units: 1 }, { type: 'unit-started', unit: { step: 'two', target: 'local' }, attempt: 1, command: 'echo two' });
    const tui = await mount(model);
    expect(tui.live().join('\n')).toContain('── 2. two — Second');
    await tui.press(KEY.up);
    expect(tui.live().join('\n')).toContain('── 1. one — First');
    expect(tui.live().join('\n')).toContain('│ from one');
    expect(tui.live().at(-1)).toContain('f follow');
    await tui.press('f');
    expect(tui.live().join('\n')).toContain('── 2. two — Second');
  });

  it('shows a dry run as what would run where, and REHEARSAL/DRY-RUN in the header', async () => {
    const model = startedModel([step('wipe', { destructive: true })], { mode: 'dry-run' });
    feed(model, { type: 'would-run', step: 'wipe', why: 'dry-run', invocations: [{ target: 'local', command: 'mc rm --recursive --force minio/registry/' }], confirm: 'acme-prod', captures: [] });
    feed(model, { type: 'step-skipped', step: 'wipe', reason: 'dry run: nothing runs' });
    const tui = await mount(model);
    expect(tui.live()[0]).toMatch(/^ DRY-RUN {2}Clean up the registry/);
    expect(tui.live()[1]).toContain('nothing runs, nothing connects');
    expect(tui.frame()).toContain('│ mc rm --recursive --force minio/registry/');
    expect(tui.frame()).toContain('asks the operator to type "acme-prod"');
    const rehearsal = await mount(startedModel([step('a')], { mode: 'rehearse' }));
    expect(rehearsal.live()[0]).toMatch(/^ REHEARSAL {2}/);
    const live = await mount(startedModel([step('a')]));
    expect(live.live()[0]).toMatch(/^ LIVE {2}/);
    expect(live.live()[1]).toContain('commands run for real');
  });
});
