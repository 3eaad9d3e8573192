import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reviewDigest } from '../../src/journal/review.js';
import { CLI, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hasTmux, tmuxServer } from './tmux.js';

/**
 * A step printing a JSON list of 10,000 tags on one line (about 150 KB) with one "café" in it froze the TUI at
 * "running · for 0.2s": ink measured the 200 KB resolved command of the next step whole, quadratic in its length
 * once it is not pure ASCII, and Ctrl-C, SIGTERM and SIGHUP waited behind it. The real CLI in tmux, at 80×24 and at
 * 200×50, must reach the end of that run, and pause at once on Ctrl-C while such a line is on screen.
 */

const TAGS = Array.from({ length: 10_000 }, (_, i) => (i === 9 ? 'café' : `team/app:v${i}`));

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: freeze, title: A long line that is not ASCII }
steps:
  - id: preview
    readonly: true
    run: cat c.json
    capture: { candidates: { json: true } }
  - id: prune
    destructive: true
    confirm:
      review: \${{ steps.preview.outputs.candidates }}
    run: printf '%s\\n' \${{ review }}
`;

const SLOW = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: slow, title: A long line that is not ASCII }
steps:
  - id: preview
    readonly: true
    run: cat c.json
    capture: { candidates: { json: true } }
  - id: show
    readonly: true
    run: echo \${{ steps.preview.outputs.candidates }} | tail -1; cat c.json; echo; echo printed; sleep 60
`;

const SIZES = [
  [80, 24],
  [200, 50],
] as const;

function setUp(runbook: string, columns: number, rows: number) {
  expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', runbook);
  writeFixture(dir, 'c.json', JSON.stringify(TAGS));
  return { dir, term: tmuxServer(dir, { columns, rows }) };
}

const journal = (dir: string, run: string) => readFileSync(join(dir, '.fieldbook', 'runs', run, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('a 150 KB output line with one non-ASCII character, in the TUI in tmux', () => {
  it.each(SIZES)('at %i×%i: the review shows, the phrase confirms, and the run reaches its end', { timeout: 180_000 }, async (columns, rows) => {
    const { dir, term } = setUp(RUNBOOK, columns, rows);
    term.start(`node ${CLI} run runbook.yaml --site site.yaml --run-id freeze`);

    const screen = await term.waitFor('Reviewed list: 10000 items', `long-line-review-${columns}x${rows}`, 60_000);
    expect(screen).toContain(`Reviewed list: 10000 items (sha256 ${reviewDigest(TAGS).slice(0, 12)}…)`);
    expect(screen).toContain('   10. café');
    // The resolved command (200 KB on one row) is cut at the terminal's edge.
    const command = screen.split('\n').find((line) => line.startsWith("  $ printf '%s\\n' 'team/app:v0'"));
    expect(command?.trimEnd().endsWith('…')).toBe(true);
    expect([...command!.trimEnd()].length).toBe(columns);

    term.keys('lab');
    await term.waitFor('› Type "lab" to run it: lab█');
    term.keys('Enter');
    const end = await term.waitFor('EXIT=', `long-line-finished-${columns}x${rows}`, 60_000);
    expect(end).toContain('✔ run finished');
    expect(end).toContain('EXIT=0');
    expect(journal(dir, 'freeze').find((e) => e['type'] === 'step-finished' && e['step'] === 'prune')).toMatchObject({ status: 'succeeded' });
  });

  it.each(SIZES)('at %i×%i: Ctrl-C while the line is on screen pauses the run at once', { timeout: 180_000 }, async (columns, rows) => {
    const { term } = setUp(SLOW, columns, rows);
    term.start(`node ${CLI} run runbook.yaml --site site.yaml --run-id slow`);

    const screen = await term.waitFor('│ printed', `long-line-running-${columns}x${rows}`, 60_000);
    // Its command (the list quoted, 200 KB on one row) and its output line (150 KB) are cut at the edge.
    for (const start of ["$ echo 'team/app:v0'", '│ ["team/app:v0"']) {
      const line = screen.split('\n').find((l) => l.startsWith(start));
      expect(line?.trimEnd().endsWith('…')).toBe(true);
      expect([...line!.trimEnd()].length).toBe(columns);
    }

    const pressed = Date.now();
    term.keys('C-c');
    const end = await term.waitFor('EXIT=', `long-line-paused-${columns}x${rows}`, 10_000);
    expect(end).toContain('⏸ run paused: interrupted by the operator');
    expect(end).toContain('EXIT=130');
    // A person notices a second; this machine is shared, so allow a few.
    expect(Date.now() - pressed).toBeLessThan(5_000);
  });
});
