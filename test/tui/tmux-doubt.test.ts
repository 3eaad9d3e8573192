import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hasTmux, tmuxServer } from './tmux.js';

/**
 * A destructive step killed with fieldbook (SIGKILL), then `resume` in a real terminal: the doubt comes before the
 * phrase. The unknown dialog shows what the step printed last, its log and the runbook's check; "done" asks no
 * phrase (nothing runs), "rerun" asks it (the step acts again).
 */

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: doubt, title: Empty the bucket }
steps:
  - id: prepare
    title: Fill the bucket
    run: mkdir -p bucket && for i in 1 2 3; do touch bucket/object-$i; done
  - id: wipe
    title: Delete every object in the bucket
    destructive: true
    confirm: { message: "Every object in bucket/ is deleted." }
    check: |
      List the bucket of run \${{ run.id }} (read-only): ls -A bucket/
      Empty: the wipe finished. Objects left: run it again.
    run: |
      for f in bucket/*; do echo "removing $f"; rm -f "$f"; done
      echo "waiting for the bucket to settle"
      for i in $(seq 1 100); do [ -f release ] && break; sleep 0.1; done
      echo wiped
  - id: report
    title: Report
    run: echo "all done"
`;

type Journal = Record<string, unknown>[];
const journal = (dir: string, run: string): Journal =>
  readFileSync(join(dir, '.fieldbook', 'runs', run, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const since = (events: Journal, type: string) => events.slice(events.findLastIndex((e) => e['type'] === type));

/** Start the run and SIGKILL fieldbook while the destructive step is in the middle of its work. */
async function killDuringWipe(dir: string, run: string): Promise<void> {
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', RUNBOOK);
  const killed = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--run-id', run, '--ui', 'plain', '--approve', 'wipe'], {
    cwd: dir,
    signalWhen: { stdout: 'wipe | waiting for the bucket to settle', signal: 'SIGKILL' },
  });
  expect(killed.killed).toBe(true);
  // The orphaned script ends by itself once released; the step's outcome stays unknown to fieldbook.
  writeFileSync(join(dir, 'release'), '');
}

describe('resume after a kill during a destructive step, in tmux', () => {
  it('80x24: the unknown dialog comes first, with the last output, the log and the check; "done" asks no phrase', { timeout: 90_000 }, async () => {
    expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
    const dir = tempDirForTest();
    await killDuringWipe(dir, 'doubt');
    const term = tmuxServer(dir);
    term.start(`node ${CLI} resume doubt`);

    const screen = await term.waitFor('OUTCOME UNKNOWN', 'doubt-unknown');
    expect(screen).not.toContain('Type "lab"');
    expect(screen).toContain('? OUTCOME UNKNOWN  wipe — Delete every object in the bucket');
    expect(screen).toContain('why: it was running when fieldbook stopped');
    expect(screen).toContain('│ removing bucket/object-3');
    expect(screen).toContain('│ waiting for the bucket to settle');
    expect(screen).toMatch(/log: .*\/\.fieldbook\/runs\/doubt\/logs\/wipe\/local\.log/);
    expect(screen).toContain('Check the target before you decide:');
    expect(screen).toContain('  List the bucket of run doubt (read-only): ls -A bucket/');
    expect(screen).toContain('  Empty: the wipe finished. Objects left: run it again.');
    expect(screen).toContain('r rerun (phrase next)');

    term.keys('d');
    await term.waitFor('Why is it done? (recorded)', 'doubt-done-reason');
    term.keys('listed the bucket: empty', 'Enter');
    const end = await term.waitFor('EXIT=0', 'doubt-done-finished');
    expect(end).not.toContain('Type "lab"');
    expect(end).toContain('✔ 3. report — Report succeeded');

    const resumed = since(journal(dir, 'doubt'), 'run-resumed');
    expect(resumed.filter((e) => e['type'] === 'confirmation')).toEqual([]);
    expect(resumed.find((e) => e['type'] === 'decision')).toMatchObject({ step: 'wipe', decision: 'done', reason: 'listed the bucket: empty', via: 'prompt' });
    expect(resumed.filter((e) => e['type'] === 'unit-started' && (e['unit'] as { step: string }).step === 'wipe')).toEqual([]);
  });

  it('200x50: "rerun" asks for the phrase next, and only the phrase runs the step again', { timeout: 90_000 }, async () => {
    expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
    const dir = tempDirForTest();
    await killDuringWipe(dir, 'doubt');
    const term = tmuxServer(dir, { columns: 200, rows: 50 });
    term.start(`node ${CLI} resume doubt`);

    let screen = await term.waitFor('OUTCOME UNKNOWN', 'doubt-unknown-200x50');
    expect(screen).not.toContain('Type "lab"');
    expect(screen).toContain('│ removing bucket/object-1');
    expect(screen).toContain('│ waiting for the bucket to settle');
    expect(screen).toContain('  List the bucket of run doubt (read-only): ls -A bucket/');

    term.keys('r');
    screen = await term.waitFor('Type "lab" to run it:', 'doubt-rerun-phrase');
    expect(screen).toContain('⚠ DESTRUCTIVE  wipe — Delete every object in the bucket');
    // Nothing ran between the decision and the phrase.
    expect(since(journal(dir, 'doubt'), 'run-resumed').filter((e) => e['type'] === 'unit-started')).toEqual([]);
    term.keys('lab', 'Enter');
    screen = await term.waitFor('EXIT=0', 'doubt-rerun-finished');
    expect(screen).toContain('✔ 2. wipe — Delete every object in the bucket succeeded');

    const resumed = since(journal(dir, 'doubt'), 'run-resumed');
    const order = resumed.filter((e) => ['decision', 'confirmation', 'unit-started'].includes(e['type'] as string)).map((e) => e['type']);
    expect(order.slice(0, 3)).toEqual(['decision', 'confirmation', 'unit-started']);
    expect(resumed.find((e) => e['type'] === 'decision')).toMatchObject({ step: 'wipe', decision: 'rerun', via: 'prompt' });
    expect(resumed.find((e) => e['type'] === 'confirmation')).toMatchObject({ step: 'wipe', phrase: 'lab', via: 'prompt' });
  });
});
