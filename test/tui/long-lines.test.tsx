import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConfirmRequest } from '../../src/engine/operator.js';
import { reviewDigest } from '../../src/journal/review.js';
import { displayWidth } from '../../src/tables/index.js';
import { tuiOperator } from '../../src/ui/tui/tui-operator.js';
import { feed, mount, ranUnit, startedModel, step } from './helpers.js';

// A line of 150 KB that is not pure ASCII froze the TUI: ink measures a text with string-width, which segments it
// whole with Intl.Segmenter, quadratic in its length on Node 20 (minutes for 150 KB). Every text the TUI draws is
// cut or wrapped first, so nothing long ever reaches a width computation.

const TAGS = Array.from({ length: 10_000 }, (_, i) => (i === 9 ? 'café' : `team/app:v${i}`));
/** The repro's preview output: the tags as JSON on one line (about 150 KB). */
const JSON_LINE = JSON.stringify(TAGS);
/** The destructive step's resolved command: the reviewed list quoted on one line (about 200 KB). */
const COMMAND = `printf '%s\\n' ${TAGS.map((t) => `'${t}'`).join("$'\\n'")}`;
const SIZES = [
  [80, 24],
  [200, 50],
] as const;

/** The longest text handed to Intl.Segmenter (by ink's string-width or by our own width helpers). */
let longest = 0;
beforeEach(() => {
  longest = 0;
  const segment = Intl.Segmenter.prototype.segment;
  vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, text: string) {
    // Refused at once: the old code would spin for minutes here before failing.
    if (text.length > 2_000) throw new Error(`a text of ${text.length} code units was measured whole`);
    longest = Math.max(longest, text.length);
    return segment.call(this, text);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('a 150 KB line that is not pure ASCII', () => {
  it.each(SIZES)('is cut at the edge in the output pane and in a value, at %i×%i, and only that much is measured', async (columns, rows) => {
    const model = startedModel([step('preview'), step('show')]);
    feed(model, { type: 'step-started', step: 'preview', units: 1 }, ...ranUnit('preview', 'local', 'succeeded', { output: `${JSON_LINE}\n`, outputs: { candidates: TAGS } }), { type: 'step-finished', step: 'preview', status: 'succeeded', durationMs: 300 });
    feed(model, { type: 'step-started', step: 'show', units: 1 }, { type: 'unit-started', unit: { step: 'show', target: 'local' }, attempt: 1, command: COMMAND });
    // A partial line (no newline yet) and a whole one, each 150 KB.
    feed(model, { type: 'output', unit: { step: 'show', target: 'local' }, stream: 'stdout', text: `${JSON_LINE}\n${JSON_LINE}` });
    const tui = await mount(model, { columns, rows });
    const live = tui.live();
    const tail = live.filter((line) => line.startsWith('│ ["team/app:v0'));
    expect(tail).toHaveLength(2);
    const command = live.find((line) => line.startsWith("$ printf '%s\\n' 'team/app:v0'"));
    expect(command).toBeDefined();
    for (const line of [...tail, command!]) {
      expect(line.endsWith('…')).toBe(true);
      expect(displayWidth(line)).toBe(columns);
    }
    expect(longest).toBeLessThanOrEqual(2 * columns);
  });

  it.each(SIZES)('in a confirmation at %i×%i: the command is cut, a reviewed item and the message wrap', async (columns, rows) => {
    const long = `${'é'.repeat(5_000)} ${JSON_LINE}`;
    const items = [long, ...TAGS];
    for (const message of ['Every tag on the list is deleted: café.', long]) {
      const model = startedModel([step('preview'), step('prune', { destructive: true })]);
      const request: ConfirmRequest = { step: 'prune', title: 'Delete the reviewed tags', phrase: 'lab', message, scope: ['local: this machine', COMMAND], review: { items, digest: reviewDigest(items) } };
      void tuiOperator(model).confirm(request);
      const tui = await mount(model, { columns, rows });
      const live = tui.live();
      const shown = live.join('\n');
      expect(shown).toContain('Reviewed list: 10001 items');
      expect(shown).toMatch(/items 1–1 of 10001 \(1 goes on below\)/);
      expect(shown).toContain(`      1. ${'é'.repeat(columns - 10)}\n         é`);
      expect(shown).toContain('› Type "lab" to run it: █');
      if (message === long) {
        // The message wraps, whole rows of it, and is cut with the count of what is left.
        expect(shown).toContain(`\n${'é'.repeat(columns - 1)}\n`);
        expect(shown).toMatch(/… \d+ more lines/);
      } else {
        const command = live.find((line) => line.startsWith("  $ printf '%s\\n' 'team/app:v0'"));
        expect(command?.endsWith('…')).toBe(true);
        expect(displayWidth(command!)).toBe(columns);
      }
      expect(longest).toBeLessThanOrEqual(2 * columns);
    }
  });

  it('in the lines printed above the live area: a failure reason and a would-run command wrap onto four rows at most, then …', async () => {
    const model = startedModel([step('broken'), step('prune', { destructive: true })], { mode: 'dry-run' });
    feed(model, { type: 'step-started', step: 'broken', units: 1 }, ...ranUnit('broken', 'local', 'failed', { exitCode: 1, reason: JSON_LINE }), { type: 'step-finished', step: 'broken', status: 'failed', durationMs: 100 });
    feed(model, { type: 'would-run', step: 'prune', why: 'dry-run', invocations: [{ target: 'local', command: COMMAND }], confirm: 'lab', captures: [] });
    feed(model, { type: 'step-skipped', step: 'prune', reason: 'dry run: nothing runs' });
    const tui = await mount(model, { columns: 80, rows: 24 });
    const printed = tui.frame().split('\n');
    const between = (from: string, to: string) => printed.slice(printed.indexOf(from) + 1, printed.indexOf(to));
    // `    broken: <reason>` and `      │ <command>` break at their first space, then take four rows of 80 columns.
    const reason = between('✘ 1. broken failed in 0.1s', '↷ 2. prune skipped: dry run: nothing runs');
    expect(reason[0]).toBe('    broken:');
    expect(reason.slice(1).length).toBeLessThanOrEqual(4);
    expect(reason.at(-1)?.endsWith('…')).toBe(true);
    const command = between('    on local:', '    asks the operator to type "lab"');
    expect(command.length).toBeLessThanOrEqual(5);
    expect(command.at(-1)?.endsWith('…')).toBe(true);
    expect(longest).toBeLessThanOrEqual(4 * 80 * 2);
  });
});
