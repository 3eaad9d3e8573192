import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { interruptKeys } from '../../src/ui/tui/interrupt-keys.js';
import { tuiOperator } from '../../src/ui/tui/tui-operator.js';
import { KEY, feed, mount, ranUnit, row, startedModel, step } from './helpers.js';

/** A promise's state without waiting for it. */
async function settled<T>(promise: Promise<T>): Promise<{ done: boolean; value?: T }> {
  const marker = Symbol('pending');
  const value = await Promise.race([promise, delay(5).then(() => marker)]);
  return value === marker ? { done: false } : { done: true, value: value as T };
}

describe('TUI dialogs', () => {
  it('confirm: shows the exact scope, refuses a wrong phrase (nothing runs), accepts the exact phrase', async () => {
    const model = startedModel([step('wipe', { destructive: true, targets: ['cp1', 'cp2'] })]);
    const answer = tuiOperator(model).confirm({ step: 'wipe', title: 'Wipe the registry bucket', phrase: 'acme-prod', message: 'Every image in the registry bucket will be deleted.', scope: ['cp1: root@10.0.0.1:22', 'cp2: root@10.0.0.2:22', 'mc rm --recursive --force minio/registry/'] });
    const tui = await mount(model);
    const shown = tui.live().join('\n');
    expect(shown).toContain('⚠ DESTRUCTIVE  wipe — Wipe the registry bucket');
    expect(shown).toContain('Every image in the registry bucket will be deleted.');
    expect(shown).toContain('• cp1: root@10.0.0.1:22');
    expect(shown).toContain('• cp2: root@10.0.0.2:22');
    expect(shown).toContain('$ mc rm --recursive --force minio/registry/');
    expect(shown).toContain('Type "acme-prod" to run it:');
    expect(row(tui, 'wipe')).toContain('◆');

    await tui.press('acme-pord', KEY.enter);
    expect(tui.live().join('\n')).toContain('✘ "acme-pord" is not the phrase; nothing was run.');
    expect((await settled(answer)).done).toBe(false);
    // Typed and submitted in one chunk (a paste): still checked as a whole.
    await tui.press('acme\r');
    expect(tui.live().join('\n')).toContain('(2 wrong tries)');
    await tui.press('acme-prodx', KEY.backspace, KEY.enter);
    expect(await answer).toEqual({ phrase: 'acme-prod', via: 'prompt' });
    expect(tui.live().join('\n')).not.toContain('DESTRUCTIVE');
  });

  it('confirm: a message wider than the terminal is wrapped, every word of it shown (the scope of a wipe)', async () => {
    const model = startedModel([step('wipe', { destructive: true })]);
    const sums = ['05a87816547fe8614fdba54c18f872c9f30ad42906069276fff2e4ec3fdf0010', 'f6fef1897fe77757daf42938ee33de7e8bc3f8b52b2534d4fde54a0576aab178'];
    const message = `Every image in the registry bucket of acme-prod will be deleted, in pod kube-system/registry-minio-0. Backups of this run: /cpaas/backup/r1/cp1-minio.tar, /cpaas/backup/r1/cp2-minio.tar (sha256 ${sums.join(', ')}).`;
    void tuiOperator(model).confirm({ step: 'wipe', title: 'wipe', phrase: 'acme-prod', message, scope: ['cp1: kubectl on cp1', 'kubectl exec ...'] });
    const tui = await mount(model, { columns: 80, rows: 24 });
    const lines = tui.live();
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    const start = lines.findIndex((line) => line.startsWith('Every image'));
    const end = lines.findIndex((line) => line.endsWith('b178).'));
    expect(lines.slice(start, end + 1).join(' ').replace(/\/ /g, '/')).toBe(message);
  });

  it('confirm: Esc runs nothing and pauses', async () => {
    const model = startedModel([step('wipe', { destructive: true })]);
    const answer = tuiOperator(model).confirm({ step: 'wipe', title: 'wipe', phrase: 'lab', scope: ['local: this machine', 'rm -rf x'] });
    const tui = await mount(model);
    await tui.press('la', KEY.escape);
    expect(await answer).toBe('refused');
  });

  it('manual: needs every checklist item ticked, masks secret values while typed, checks patterns', async () => {
    const model = startedModel([step('window', { kind: 'manual', targets: ['operator'] })]);
    const answer = tuiOperator(model).manual({
      step: 'window',
      title: 'Maintenance window',
      instructions: 'Announce the maintenance window to the customer.',
      checklist: ['Window approved by the customer', 'Custom images listed'],
      record: [
        { name: 'ticket', prompt: 'Change ticket number', pattern: '^CHG[0-9]+$', secret: false },
        { name: 'token', prompt: 'Portal token', secret: true },
      ],
    });
    const tui = await mount(model);
    expect(tui.live().join('\n')).toContain('Announce the maintenance window to the customer.');
    await tui.press(KEY.enter);
    expect(tui.live().join('\n')).toContain('✘ tick every item first: "Window approved by the customer" and 1 more');
    await tui.press(' ');
    expect(tui.live().join('\n')).toContain('[x] Window approved by the customer');
    await tui.press(' ');
    expect(tui.live().join('\n')).toContain('[x] Custom images listed');
    await tui.press('CHG12x', KEY.enter, 's3cr3t-token');
    expect(tui.frame()).not.toContain('s3cr3t');
    expect(tui.live().join('\n')).toContain('Portal token (secret): ••••••••••••');
    await tui.press(KEY.enter);
    expect(tui.live().join('\n')).toContain('✘ Change ticket number: expected a value matching ^CHG[0-9]+$');
    expect((await settled(answer)).done).toBe(false);
    await tui.press(KEY.up, KEY.backspace, KEY.enter, KEY.enter);
    expect(await answer).toEqual({ values: { ticket: 'CHG12', token: 's3cr3t-token' }, via: 'prompt' });
    expect(tui.frame()).not.toContain('s3cr3t');
  });

  it('manual: Esc means not done, and pauses', async () => {
    const model = startedModel([step('window', { kind: 'manual', targets: ['operator'] })]);
    const answer = tuiOperator(model).manual({ step: 'window', title: 'w', instructions: 'Do it', checklist: ['done'], record: [] });
    const tui = await mount(model);
    await tui.press(KEY.escape);
    expect(await answer).toBe('refused');
  });

  it('failure: retry, skip with a reason, abort, and the full log', async () => {
    const model = startedModel([step('upload')]);
    feed(model, { type: 'step-started', step: 'upload', units: 1 }, ...ranUnit('upload', 'local', 'failed', { exitCode: 7, reason: 'exit code 7', output: 'upload refused by the registry\n' }));
    const operator = tuiOperator(model);
    const request = { step: 'upload', title: 'Upload the report', failed: [{ unit: { step: 'upload', target: 'local' }, reason: 'exit code 7' }], logPaths: ['/nonexistent/logs/upload/local.log'] };

    const retry = operator.onFailure(request);
    const tui = await mount(model);
    const shown = tui.live().join('\n');
    expect(shown).toContain('✘ STEP FAILED  upload — Upload the report');
    expect(shown).toContain('✘ upload: exit code 7');
    expect(shown).toContain('│ upload refused by the registry');
    expect(shown).toContain('log: /nonexistent/logs/upload/local.log');
    expect(tui.live().at(-1)).toMatch(/r retry +s skip \(reason\) +a abort .* l full log/);
    await tui.press('l');
    expect(tui.live().join('\n')).toContain('cannot read /nonexistent/logs/upload/local.log: ENOENT');
    await tui.press(KEY.escape, 'r');
    expect(await retry).toEqual({ decision: 'retry', reason: 'operator chose retry', via: 'prompt' });

    const skip = operator.onFailure(request);
    await delay(5);
    await tui.press('s', KEY.enter);
    expect((await settled(skip)).done).toBe(false); // a reason is required
    await tui.press('registry is read-only today', KEY.enter);
    expect(await skip).toEqual({ decision: 'skip', reason: 'registry is read-only today', via: 'prompt' });

    const abort = operator.onFailure(request);
    await delay(5);
    await tui.press('a');
    expect(await abort).toEqual({ decision: 'abort', reason: 'operator chose abort', via: 'prompt' });
  });

  it('unknown outcome: rerun, mark done with a reason, skip with a reason', async () => {
    const model = startedModel([step('long', { targets: ['cp1'] })]);
    const operator = tuiOperator(model);
    const request = {
      step: 'long',
      title: 'Back up the bucket',
      unit: { step: 'long', target: 'cp1' },
      reason: 'it was running when fieldbook stopped (crash or lost connection)',
      destructive: false,
      lastLines: ['copied 3 of 9 objects'],
      logPath: '/runs/r1/logs/long/cp1.log',
      check: 'ls -l /backup/cp1.tar',
    };
    const rerun = operator.decideUnknown(request);
    const tui = await mount(model);
    expect(tui.live().join('\n')).toContain('? OUTCOME UNKNOWN  long@cp1 — Back up the bucket');
    expect(tui.live().join('\n')).toContain('why: it was running when fieldbook stopped');
    expect(tui.live().join('\n')).toContain('│ copied 3 of 9 objects');
    expect(tui.live().join('\n')).toContain('log: /runs/r1/logs/long/cp1.log');
    expect(tui.live().join('\n')).toContain('Check the target before you decide:\n  ls -l /backup/cp1.tar');
    await tui.press('r');
    expect(await rerun).toEqual({ decision: 'rerun', reason: 'operator chose rerun', via: 'prompt' });

    const done = operator.decideUnknown(request);
    await delay(5);
    await tui.press('d', KEY.enter);
    expect((await settled(done)).done).toBe(false);
    expect(tui.live().join('\n')).toContain('Why is it done? (recorded)');
    await tui.press('checked the tarball on cp1', KEY.enter);
    expect(await done).toEqual({ decision: 'done', reason: 'checked the tarball on cp1', via: 'prompt' });

    const skip = operator.decideUnknown(request);
    await delay(5);
    await tui.press('s', 'not needed', KEY.enter);
    expect(await skip).toEqual({ decision: 'skip', reason: 'not needed', via: 'prompt' });
  });

  it('unknown host key: shows the fingerprint; only "yes" accepts', async () => {
    const model = startedModel([step('backup', { targets: ['cp1'] })]);
    const operator = tuiOperator(model);
    const request = { host: 'cp1', address: '10.0.0.1', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', knownHostsName: '10.0.0.1' };
    const first = operator.acceptHostKey(request);
    const tui = await mount(model);
    expect(tui.live().join('\n')).toContain('UNKNOWN HOST KEY  cp1 (10.0.0.1:22)');
    expect(tui.live().join('\n')).toContain('SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
    await tui.press('y', KEY.enter);
    expect((await settled(first)).done).toBe(false); // "y" is not "yes"
    await tui.press('yes', KEY.enter);
    expect(await first).toBe('accept');
    const second = operator.acceptHostKey(request);
    await delay(5);
    await tui.press(KEY.escape);
    expect(await second).toBe('refuse');
  });

  it('secret for SSH: typed hidden', async () => {
    const model = startedModel([step('backup', { targets: ['cp1'] })]);
    const answer = tuiOperator(model).askSecret('Password for admin@10.0.0.5:');
    const tui = await mount(model);
    await tui.press('hunter2');
    expect(tui.frame()).toContain('Password for admin@10.0.0.5: •••••••');
    expect(tui.frame()).not.toContain('hunter2');
    await tui.press(KEY.enter);
    expect(await answer).toBe('hunter2');
  });

  it('quit: q asks first, y pauses, n keeps running; answering a stop closes every open question', async () => {
    const model = startedModel([step('long'), step('wipe', { destructive: true })]);
    feed(model, { type: 'step-started', step: 'long', units: 1 }, { type: 'unit-started', unit: { step: 'long', target: 'local' }, attempt: 1, command: 'sleep 100' });
    let interrupts = 0;
    const keys = interruptKeys(model, () => interrupts++);
    const tui = await mount(model, { onQuit: keys.onQuit, onCtrlC: keys.onCtrlC });
    await tui.press('q');
    expect(tui.live().join('\n')).toContain('PAUSE THE RUN?');
    expect(tui.live().join('\n')).toContain('Resume with: fieldbook resume r1');
    await tui.press('n');
    expect(interrupts).toBe(0);
    expect(tui.live().join('\n')).not.toContain('PAUSE THE RUN?');
    await tui.press('q', 'y');
    expect(interrupts).toBe(1);

    const operator = tuiOperator(model);
    const confirm = operator.confirm({ step: 'wipe', title: 'wipe', phrase: 'lab', scope: ['local: this machine', 'rm -rf x'] });
    const unknown = operator.decideUnknown({ step: 'long', title: 'long', unit: { step: 'long', target: 'local' }, reason: 'cancelled', destructive: false, lastLines: [], logPath: '/runs/r1/logs/long/local.log' });
    operator.stop();
    expect(await confirm).toBe('refused');
    expect(await unknown).toBeUndefined();
    expect(await operator.onFailure({ step: 'long', title: 'long', failed: [], logPaths: [] })).toBeUndefined();
  });

  it('Ctrl-C pauses at once, but during a running destructive step asks first; a second Ctrl-C confirms', async () => {
    const model = startedModel([step('plain'), step('wipe', { destructive: true })]);
    let interrupts = 0;
    const keys = interruptKeys(model, () => interrupts++);
    feed(model, { type: 'step-started', step: 'plain', units: 1 }, { type: 'unit-started', unit: { step: 'plain', target: 'local' }, attempt: 1, command: 'sleep 100' });
    const tui = await mount(model, { onQuit: keys.onQuit, onCtrlC: keys.onCtrlC });
    await tui.press(KEY.ctrlC);
    expect(interrupts).toBe(1);

    feed(model, ...ranUnit('plain', 'local', 'succeeded'), { type: 'step-finished', step: 'plain', status: 'succeeded', durationMs: 1 });
    feed(model, { type: 'step-started', step: 'wipe', units: 1 }, { type: 'unit-started', unit: { step: 'wipe', target: 'local' }, attempt: 1, command: 'mc rm --recursive' });
    await tui.press(KEY.ctrlC);
    expect(interrupts).toBe(1);
    expect(tui.live().join('\n')).toContain('⚠ STOP A DESTRUCTIVE STEP?  wipe');
    await tui.press(KEY.escape);
    expect(interrupts).toBe(1);
    await tui.press(KEY.ctrlC, KEY.ctrlC);
    expect(interrupts).toBe(2);
    // Once pausing, Ctrl-C goes straight through (drive() exits on a second press within 3 s).
    keys.pausing();
    await tui.press(KEY.ctrlC);
    expect(interrupts).toBe(3);
  });
});
