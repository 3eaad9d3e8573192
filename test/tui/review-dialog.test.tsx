import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ConfirmRequest } from '../../src/engine/operator.js';
import { reviewDigest } from '../../src/journal/review.js';
import { displayWidth } from '../../src/tables/index.js';
import { tuiOperator } from '../../src/ui/tui/tui-operator.js';
import { KEY, mount, startedModel, step, type Mounted } from './helpers.js';

// The confirmation of a destructive step with a reviewed list: the list in a pane that scrolls and searches,
// keys that cannot be typed into the phrase, and the phrase confirming as before.

const PAGE = { up: '\u001B[5~', down: '\u001B[6~', home: '\u001B[1~', end: '\u001B[4~', ctrlF: '\u0006', shiftTab: '\u001B[Z' } as const;
const TAGS = Array.from({ length: 200 }, (_, i) => `registry.lab/acme/app:${String(i + 1).padStart(3, '0')}`);

function ask(items: string[], extra: Partial<ConfirmRequest> = {}) {
  const model = startedModel([step('preview'), step('prune', { destructive: true })]);
  const request: ConfirmRequest = {
    step: 'prune',
    title: 'Delete the reviewed tags',
    phrase: 'lab',
    message: 'Every tag on the reviewed list is deleted from registry.lab.',
    scope: ['local: this machine', 'printf "%s\\n" "$REVIEW" | while read -r tag; do echo "deleted $tag"; done'],
    review: { items, digest: reviewDigest(items) },
    ...extra,
  };
  return { model, answer: tuiOperator(model).confirm(request) };
}

/** The numbers of the items in view, in order. */
const inView = (tui: Mounted) => tui.live().flatMap((line) => /^[ ›] +(\d+)\. /.exec(line)?.[1] ?? []).map(Number);
const shown = (tui: Mounted) => tui.live().join('\n');

async function pending<T>(promise: Promise<T>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise, delay(5).then(() => marker)])) === marker;
}

describe('confirmation with a reviewed list', () => {
  it('on a terminal too small to show any item, the phrase does not confirm', async () => {
    const { model, answer } = ask(TAGS.slice(0, 3));
    const tui = await mount(model, { columns: 80, rows: 9 });
    expect(inView(tui)).toEqual([]);
    await tui.press('lab', KEY.enter);
    expect(await pending(answer)).toBe(true);
    expect(shown(tui)).toContain('✘ Too small to show the list: make the terminal taller, review it, then confirm.');
    await tui.resize(80, 24);
    expect(inView(tui)).toEqual([1, 2, 3]);
    await tui.press(KEY.enter);
    expect(await answer).toEqual({ phrase: 'lab', via: 'prompt' });
  });


  it('shows the count, the digest, numbered items and where the view is; ↑↓ PgUp PgDn Home End move the window', async () => {
    const { model } = ask(TAGS);
    const tui = await mount(model, { columns: 80, rows: 24 });
    expect(shown(tui)).toContain(`Reviewed list: 200 items (sha256 ${reviewDigest(TAGS).slice(0, 12)}…)`);
    const first = inView(tui);
    const page = first.length;
    expect(page).toBeGreaterThanOrEqual(8);
    expect(first).toEqual(Array.from({ length: page }, (_, i) => i + 1));
    expect(shown(tui)).toContain(`items 1–${page} of 200`);
    expect(tui.live()).toContain('    1. registry.lab/acme/app:001');

    await tui.press(KEY.down, KEY.down);
    await expect.poll(() => inView(tui)[0]).toBe(3);
    await expect.poll(() => shown(tui)).toContain(`items 3–${page + 2} of 200`);
    await tui.press(KEY.up);
    await expect.poll(() => inView(tui)[0]).toBe(2);
    await tui.press(PAGE.down, PAGE.down);
    await expect.poll(() => inView(tui)[0]).toBe(2 + 2 * page);
    await tui.press(PAGE.up);
    await expect.poll(() => inView(tui)[0]).toBe(2 + page);
    await tui.press(PAGE.end);
    await expect.poll(() => inView(tui).at(-1)).toBe(200);
    await expect.poll(() => tui.live()).toContain('  200. registry.lab/acme/app:200');
    await expect.poll(() => shown(tui)).toContain(`items ${201 - page}–200 of 200`);
    await tui.press(KEY.down, PAGE.down);
    await expect.poll(() => inView(tui).at(-1)).toBe(200); // the end stays the end
    await tui.press(PAGE.home);
    await expect.poll(() => inView(tui)[0]).toBe(1);
    await tui.press(KEY.up, PAGE.up);
    await expect.poll(() => inView(tui)[0]).toBe(1);
    // Ctrl-Home and Ctrl-End (xterm's CSI 1;5H and 1;5F) jump too.
    await tui.press('\u001B[1;5F');
    await expect.poll(() => inView(tui).at(-1)).toBe(200);
    await tui.press('\u001B[1;5H');
    await expect.poll(() => inView(tui)[0]).toBe(1);
    await expect.poll(() => tui.live().at(-1)).toMatch(/↑↓ PgUp PgDn Home End list +\^F search +Enter confirm +Esc do not run it/);
  });

  it('Ctrl-F searches: an item far down is found and shown; Enter moves between matches and never confirms; Esc closes the search only', async () => {
    const { model, answer } = ask(TAGS);
    const tui = await mount(model, { columns: 80, rows: 24 });
    // The phrase typed in full first: an Enter that reached the confirmation would run the step.
    await tui.press('lab', PAGE.ctrlF);
    await expect.poll(() => shown(tui)).toContain('› Search: █  type to search the 200 items');
    await expect.poll(() => tui.live().at(-1)).toMatch(/Enter\/Tab next match +S-Tab previous +↑↓ PgUp PgDn scroll +Esc close search/);
    await expect.poll(() => shown(tui)).toContain('  Type "lab" to run it: lab\n'); // the phrase keeps what was typed, without the cursor

    await tui.press('173');
    await expect.poll(() => inView(tui)).toContain(173);
    await expect.poll(() => tui.live()).toContain('› 173. registry.lab/acme/app:173');
    await expect.poll(() => shown(tui)).toContain('1 of 200 match "173" · match 1 is item 173');
    // Enter finds the next match (the same one: there is one); what follows it shows it was read, and not confirmed.
    await tui.press(KEY.enter, KEY.enter, '\u0015');
    await expect.poll(() => shown(tui)).toContain('› Search: █  type to search the 200 items');
    expect(await pending(answer)).toBe(true);

    // Typed while searching, the phrase and Enter go to the search, not to the confirmation.
    await tui.press('lab', KEY.enter, '-x');
    await expect.poll(() => shown(tui)).toContain('no item matches "lab-x"');
    expect(await pending(answer)).toBe(true);
    expect(shown(tui)).toContain('  Type "lab" to run it: lab\n');
    expect(shown(tui)).not.toContain('is not the phrase');

    // Several matches: Enter/Tab go forward (round), Shift-Tab back.
    await tui.press('\u0015', ':19');
    await expect.poll(() => shown(tui)).toContain('10 of 200 match ":19" · match 1 is item 190');
    await tui.press(KEY.enter, KEY.tab);
    await expect.poll(() => shown(tui)).toContain('match 3 is item 192');
    await expect.poll(() => tui.live()).toContain('› 192. registry.lab/acme/app:192');
    await tui.press(PAGE.shiftTab, PAGE.shiftTab, PAGE.shiftTab);
    await expect.poll(() => shown(tui)).toContain('match 10 is item 199');

    await tui.press(KEY.escape);
    await expect.poll(() => shown(tui)).not.toContain('Search:');
    expect(await pending(answer)).toBe(true);
    await expect.poll(() => inView(tui)).toContain(199); // the view stays where the search left it
    await expect.poll(() => shown(tui)).toContain('› Type "lab" to run it: lab█');
    await tui.press(KEY.enter);
    expect(await answer).toEqual({ phrase: 'lab', via: 'prompt' });
  });

  it('scrolls while searching, and a wrong phrase is still refused after a search', async () => {
    const { model, answer } = ask(TAGS);
    const tui = await mount(model, { columns: 80, rows: 24 });
    await tui.press(PAGE.ctrlF, '05', PAGE.end);
    await expect.poll(() => inView(tui).at(-1)).toBe(200);
    await expect.poll(() => shown(tui)).toContain('Search: 05');
    await tui.press(KEY.escape, 'lba', KEY.enter);
    await expect.poll(() => shown(tui)).toContain('✘ "lba" is not the phrase; nothing was run.');
    expect(await pending(answer)).toBe(true);
    await tui.press(KEY.escape);
    expect(await answer).toBe('refused');
  });

  it('nothing overflows 80 columns: a long item wraps whole under its number, a record shows as key=value', async () => {
    const long = `registry.lab/acme/${'very-long-repository-name-'.repeat(8)}:1.0`;
    const record = JSON.stringify({ repository: 'acme/web', tag: 'old', digest: `sha256:${'ab'.repeat(32)}` });
    const wide = `镜像仓库/${'清理旧的镜像标签'.repeat(6)}:1.0`; // two columns a character
    const items = [...TAGS.slice(0, 3), long, record, wide, ...TAGS.slice(6, 40)];
    const { model } = ask(items);
    const tui = await mount(model, { columns: 80, rows: 30 });
    const lines = tui.live();
    expect(lines.length).toBeLessThanOrEqual(29);
    expect(lines.every((line) => displayWidth(line) <= 80)).toBe(true);
    const at = lines.findIndex((line) => line.startsWith('   4. '));
    const rows = [lines[at]!.slice(6)];
    for (let i = at + 1; lines[i]!.startsWith('      ') && !/^ +\d+\. /.test(lines[i]!); i++) rows.push(lines[i]!.slice(6));
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.join('')).toBe(long);
    const five = lines.findIndex((line) => line.startsWith('   5. '));
    // 79 columns less the number's 6: a row holds 73 characters; the record breaks after a space, then where it must.
    const digest = `digest=sha256:${'ab'.repeat(32)}`;
    expect(lines.slice(five, five + 3)).toEqual(['   5. repository=acme/web tag=old', `      ${digest.slice(0, 73)}`, `      ${digest.slice(73)}`]);
    expect(shown(tui)).not.toContain('{"repository"');
    const six = lines.findIndex((line) => line.startsWith('   6. '));
    const wideRows = [lines[six]!.slice(6), ...lines.slice(six + 1, six + 3).map((line) => line.slice(6))];
    expect(wideRows.join('')).toBe(wide);
  });

  it('an empty list says so, and its keys do nothing harmful', async () => {
    const { model, answer } = ask([]);
    const tui = await mount(model, { columns: 80, rows: 24 });
    expect(shown(tui)).toContain(`Reviewed list: 0 items (sha256 ${reviewDigest([]).slice(0, 12)}…) · no items`);
    expect(shown(tui)).toContain('(the list is empty: nothing to act on)');
    await tui.press(PAGE.end, KEY.down, PAGE.ctrlF, 'x', KEY.enter);
    await expect.poll(() => shown(tui)).toContain('no item matches "x"');
    await tui.press(KEY.escape, 'lab', KEY.enter);
    expect(await answer).toEqual({ phrase: 'lab', via: 'prompt' });
  });

  it('the list keeps its rows before the scope; the phrase, the error line and the keys always show', async () => {
    const scope = Array.from({ length: 12 }, (_, i) => `cp${i + 1}: root@10.0.0.${i + 1}:22`);
    const { model } = ask(TAGS, { scope: [...scope, 'delete ...'] });
    const tui = await mount(model, { columns: 80, rows: 24 });
    const lines = tui.live();
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(inView(tui).length).toBeGreaterThanOrEqual(5);
    expect(shown(tui)).toMatch(/… \d+ more lines/);
    expect(shown(tui)).toContain('Reviewed list: 200 items');
    expect(lines.at(-3)).toContain('Type "lab" to run it:');
    expect(lines.at(-2)).toContain('Nothing runs until the phrase is typed exactly.');
    expect(lines.at(-1)).toContain('^F search');
    await tui.press(PAGE.ctrlF);
    const searching = tui.live();
    expect(searching.length).toBeLessThanOrEqual(23);
    expect(searching.at(-4)).toContain('Search:');
    expect(searching.at(-3)).toContain('Type "lab" to run it:');
    expect(searching.at(-1)).toContain('Esc close search');

    // A small terminal: the list still shows, the message and scope are one row that says they are there.
    await tui.press(KEY.escape);
    await tui.resize(60, 14);
    await expect.poll(() => tui.live().length).toBeLessThanOrEqual(13);
    const small = tui.live();
    expect(small.some((line) => /^… \d+ more lines$/.test(line))).toBe(true);
    expect(small.join('\n')).toContain('Reviewed list: 200 items');
    expect(inView(tui).length).toBeGreaterThanOrEqual(1);
    expect(small.at(-3)).toContain('Type "lab" to run it:');
    expect(small.at(-1)).toContain('^F search');
    expect(small.every((line) => displayWidth(line) <= 60)).toBe(true);
  });

  it('a resize keeps the same item in view', async () => {
    const { model } = ask(TAGS);
    const tui = await mount(model, { columns: 80, rows: 24 });
    await tui.press(PAGE.ctrlF, '120', KEY.escape);
    await expect.poll(() => inView(tui)).toContain(120);
    await tui.resize(200, 50);
    await expect.poll(() => inView(tui)).toContain(120);
    await expect.poll(() => tui.live().every((line) => displayWidth(line) <= 200)).toBe(true);
    await tui.resize(60, 20);
    await expect.poll(() => inView(tui)).toContain(120);
  });
});
