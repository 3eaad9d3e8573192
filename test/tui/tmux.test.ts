import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { hasTmux, tmuxServer } from './tmux.js';
import { tempDirForTest } from '../harness/tmp.js';

/**
 * The real CLI in a real terminal: `fieldbook run` inside tmux (80×24), driven by keys, read with capture-pane.
 * FIELDBOOK_UI_CAPTURES=<dir> keeps each screen (docs/ui.md is made from them).
 */

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: tour, title: Clean the work area }
steps:
  - id: prepare
    title: Prepare the work area
    description: Creates the work directory and three files in it.
    run: mkdir -p work && for i in 1 2 3; do touch work/file-$i; echo "prepared $i"; done
  - id: wipe
    title: Wipe the work area
    destructive: true
    confirm: { message: "Every file in work/ will be deleted." }
    run: rm -f work/* && echo wiped
  - id: check
    title: Check with the customer
    manual:
      instructions: "Tell the customer the work area is empty."
      checklist: ["Customer informed", "Ticket updated"]
      record: [ { name: ticket, prompt: "Change ticket", pattern: '^CHG-[0-9]+$' } ]
  - id: upload
    title: Upload the report
    run: |
      if [ ! -f upload-marker ]; then touch upload-marker; echo "upload refused: try again" >&2; exit 7; fi
      echo "uploaded"
  - id: sync
    title: Wait for the sync
    run: |
      if [ -f sync-marker ]; then echo "sync already done"; exit 0; fi
      touch sync-marker
      for i in $(seq 1 600); do echo "syncing $i"; sleep 0.1; done
  - id: report
    title: Report
    run: echo "all done"
`;

const journal = (dir: string) => readFileSync(join(dir, '.fieldbook', 'runs', 'e2e', 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the TUI in tmux', () => {
  it('confirms (wrong phrase refused), ticks a checklist, retries a failure, pauses with q, resumes to the end', { timeout: 120_000 }, async () => {
    expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'runbook.yaml', RUNBOOK);
    const term = tmuxServer(dir);
    term.start(`node ${CLI} run runbook.yaml --site site.yaml --run-id e2e`);

    // 1. The destructive step asks for the phrase; the step list shows it waiting.
    let screen = await term.waitFor('Type "lab" to run it:', 'confirm');
    expect(screen).toMatch(/^ LIVE {2}Clean the work area/m);
    expect(screen).toMatch(/› ◆ +2\. wipe Wipe the work area \[destructive\]/);
    expect(screen).toContain('Every file in work/ will be deleted.');
    expect(screen).toContain('$ rm -f work/* && echo wiped');
    expect(screen).toContain('✔ 1. prepare — Prepare the work area succeeded');

    // 2. A wrong phrase is refused and nothing runs.
    term.keys('lba', 'Enter');
    screen = await term.waitFor('✘ "lba" is not the phrase; nothing was run.', 'confirm-refused');
    expect(existsSync(join(dir, 'work', 'file-1'))).toBe(true);

    // 3. The right phrase runs it; then the manual step asks for its checklist and ticket.
    term.keys('lab', 'Enter');
    screen = await term.waitFor('MANUAL STEP', 'manual');
    expect(existsSync(join(dir, 'work', 'file-1'))).toBe(false);
    expect(screen).toContain('Tell the customer the work area is empty.');
    expect(screen).toContain('[ ] Customer informed');
    term.keys(' ');
    await term.waitFor('[x] Customer informed');
    term.keys(' ');
    await term.waitFor('[x] Ticket updated');
    term.keys('CHG-42', 'Enter');

    // 4. The upload fails once: the failure dialog; retry runs it again and it passes.
    screen = await term.waitFor('STEP FAILED', 'failure');
    expect(screen).toContain('✘ upload: exit code 7');
    expect(screen).toContain('│ upload refused: try again');
    expect(screen).toMatch(/log: .*\/runs\/e2e\/logs\/upload\/local\.log/);
    const checklist = journal(dir).find((e) => e['type'] === 'step-finished' && e['step'] === 'check');
    expect(checklist).toMatchObject({ status: 'succeeded', outputs: { ticket: 'CHG-42' } });
    term.keys('r');

    // 5. The long step runs with its output tail; q asks, y pauses: resumable, with the resume command printed.
    screen = await term.waitFor(/│ syncing \d+/, 'running');
    expect(screen).toMatch(/› ▶ +5\. sync Wait for the sync/);
    expect(screen).toContain('✔ 4. upload — Upload the report succeeded');
    term.keys('q');
    screen = await term.waitFor('PAUSE THE RUN?', 'pause');
    term.keys('y');
    screen = await term.waitFor('EXIT=130', 'paused');
    expect(screen).toContain('⏸ run paused: interrupted by the operator');
    expect(screen).toContain('resume with: fieldbook resume e2e');
    expect(screen).toContain('? 5. sync — Wait for the sync outcome unknown');
    // The terminal is back in cooked mode: line editing and echo on.
    const stty = readFileSync(join(dir, 'stty-after.txt'), 'utf8');
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
    expect(stty).toMatch(/(^|\s)echo(\s|$)/);
    expect(journal(dir).at(-1)).toMatchObject({ type: 'run-paused', reason: 'interrupted' });

    // 6. Resume: completed steps are not run again; the interrupted one is the operator's call: rerun it.
    term.start(`node ${CLI} resume e2e`);
    screen = await term.waitFor('OUTCOME UNKNOWN', 'resume-unknown');
    expect(screen).toContain('✔ 2. wipe — Wipe the work area succeeded (before this resume)');
    expect(screen).toContain('why: interrupted by the operator while running');
    term.keys('r');
    screen = await term.waitFor('EXIT=0', 'finished');
    expect(screen).toContain('✔ 5. sync — Wait for the sync succeeded');
    expect(screen).toContain('✔ 6. report — Report succeeded');
    expect(screen).toContain('✔ run finished');
    const events = journal(dir);
    expect(events.filter((e) => e['type'] === 'unit-started' && (e['unit'] as { step: string }).step === 'wipe')).toHaveLength(1);
    expect(events.find((e) => e['type'] === 'confirmation' && e['step'] === 'wipe')).toMatchObject({ phrase: 'lab', via: 'prompt' });
    expect(events.find((e) => e['type'] === 'decision' && e['step'] === 'upload')).toMatchObject({ decision: 'retry' });
    expect(events.find((e) => e['type'] === 'decision' && e['step'] === 'sync')).toMatchObject({ decision: 'rerun', via: 'prompt' });
  });
});
