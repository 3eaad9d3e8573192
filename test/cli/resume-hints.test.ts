import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture, type CliResult } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/**
 * Without a terminal, a run that stops prints one resume command carrying every flag the rest of the run needs
 * (approvals, decisions, --record), with placeholders where a person chooses: filled in, that one command goes on
 * to the end. No second round, and a manual step's hint never loops.
 */

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: hints, title: Empty the bucket }
steps:
  - id: prepare
    run: mkdir -p bucket && for i in 1 2 3; do touch bucket/object-$i; done
  - id: wipe
    destructive: true
    check: "List the bucket (read-only): ls -A bucket/ (empty: it finished)"
    run: |
      for f in bucket/*; do echo "removing $f"; rm -f "$f"; done
      echo "waiting for the bucket to settle"
      for i in $(seq 1 100); do [ -f release ] && break; sleep 0.1; done
      echo wiped
  - id: ticket
    manual:
      instructions: Close the change ticket.
      checklist: [Customer told]
      record: [ { name: ticket, prompt: "Change ticket", pattern: '^CHG-[0-9]+$' } ]
  - id: notify
    destructive: true
    run: echo "notified \${{ steps.ticket.outputs.ticket }}"
`;

const resumeLine = (result: CliResult) => /^ {2}resume with: fieldbook (resume .*)$/m.exec(result.stdout)?.[1];
const journal = (dir: string) => readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

/** The printed command as argv, each placeholder filled as a person would. */
function filled(command: string, choices: Record<string, string>): string[] {
  return command.split(' ').map((word) => word.replace(/<[^>]+>/g, (placeholder) => choices[placeholder] ?? placeholder));
}

async function killDuringWipe(dir: string): Promise<void> {
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', RUNBOOK);
  const killed = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--run-id', 'r', '--ui', 'plain', '--approve', 'wipe'], {
    cwd: dir,
    signalWhen: { stdout: 'wipe | waiting for the bucket to settle', signal: 'SIGKILL' },
  });
  expect(killed.killed).toBe(true);
  writeFileSync(join(dir, 'release'), ''); // the orphaned script ends by itself
}

describe('resume hints without a terminal', () => {
  it('after a kill during a destructive step, one resume with the printed flags finishes the run', async () => {
    const dir = tempDirForTest();
    await killDuringWipe(dir);
    const stopped = await runCli(['resume', 'r', '--ui', 'plain'], { cwd: dir });
    expect(stopped.code).toBe(3);
    // The doubt, with what a person needs to settle it.
    expect(stopped.stdout).toContain('waiting: wipe: outcome unknown (it was running when fieldbook stopped');
    expect(stopped.stdout).toContain('    │ waiting for the bucket to settle');
    expect(stopped.stdout).toMatch(/^ {4}log: .*\/runs\/r\/logs\/wipe\/local\.log$/m);
    expect(stopped.stdout).toContain('    check: List the bucket (read-only): ls -A bucket/ (empty: it finished)');
    const command = resumeLine(stopped);
    expect(command).toBe('resume r --decide wipe=<rerun|done|skip> --approve wipe --approve ticket --record ticket.ticket=<ticket> --approve notify');

    const finished = await runCli([...filled(command!, { '<rerun|done|skip>': 'done', '<ticket>': 'CHG-7' }), '--ui', 'plain'], { cwd: dir });
    expect(finished.stderr).toBe('');
    expect(finished.code, finished.stdout).toBe(0);
    expect(finished.stdout).toContain('notify | notified CHG-7');
    // "done" ran nothing: no confirmation and no new attempt of the wipe.
    const resumed = journal(dir).slice(journal(dir).findLastIndex((e) => e['type'] === 'run-resumed'));
    expect(resumed.find((e) => e['type'] === 'decision')).toMatchObject({ step: 'wipe', decision: 'done', via: 'flag' });
    expect(resumed.filter((e) => e['type'] === 'confirmation' && e['step'] === 'wipe')).toEqual([]);
    expect(resumed.filter((e) => e['type'] === 'unit-started' && (e['unit'] as { step: string }).step === 'wipe')).toEqual([]);
  });

  it('choosing rerun in the same command runs the step again under the approval it already carries', async () => {
    const dir = tempDirForTest();
    await killDuringWipe(dir);
    const command = resumeLine(await runCli(['resume', 'r', '--ui', 'plain'], { cwd: dir }));
    const finished = await runCli([...filled(command!, { '<rerun|done|skip>': 'rerun', '<ticket>': 'CHG-8' }), '--ui', 'plain'], { cwd: dir });
    expect(finished.code, finished.stdout).toBe(0);
    expect(finished.stdout).toContain('wipe: attempt 2');
    expect(finished.stdout).toContain('wipe | wiped');
  });

  it('a rerun chosen without --approve stops for the phrase; the command it prints then finishes', async () => {
    const dir = tempDirForTest();
    await killDuringWipe(dir);
    const stopped = await runCli(['resume', 'r', '--ui', 'plain', '--decide', 'wipe=rerun'], { cwd: dir });
    expect(stopped.code).toBe(3);
    const command = resumeLine(stopped);
    expect(command).toBe('resume r --approve wipe --decide wipe=<rerun|done|skip> --approve ticket --record ticket.ticket=<ticket> --approve notify');
    const finished = await runCli([...filled(command!, { '<rerun|done|skip>': 'rerun', '<ticket>': 'CHG-6' }), '--ui', 'plain'], { cwd: dir });
    expect(finished.code, finished.stdout).toBe(0);
    expect(finished.stdout).toContain('wipe | wiped');
  });

  it('a manual step with a record: the hint names --record, and using it finishes (no loop)', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'runbook.yaml', RUNBOOK.replace(/ {2}- id: prepare[\s\S]*?(?= {2}- id: ticket)/, ''));
    const stopped = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--run-id', 'r', '--ui', 'plain'], { cwd: dir });
    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toContain('    settle with: --approve ticket --record ticket.ticket=<ticket>');
    const command = resumeLine(stopped);
    expect(command).toBe('resume r --approve ticket --record ticket.ticket=<ticket> --approve notify');
    const finished = await runCli([...filled(command!, { '<ticket>': 'CHG-9' }), '--ui', 'plain'], { cwd: dir });
    expect(finished.code, finished.stdout).toBe(0);
    expect(finished.stdout).toContain('notify | notified CHG-9');
  });
});

describe('check: in validate', () => {
  it('checks its references like other prose, and refuses it on a manual step (which has no unknown outcome)', async () => {
    const dir = tempDirForTest();
    const steps = (step: string) => `apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: v, title: V }\nsteps:\n${step}`;
    writeFixture(dir, 'refs.yaml', steps('  - id: r\n    check: "ls ${{ params.nope }}"\n    run: echo\n'));
    writeFixture(dir, 'manual.yaml', steps('  - id: m\n    check: look\n    manual: { instructions: x }\n'));
    const refs = await runCli(['validate', 'refs.yaml'], { cwd: dir });
    expect(refs.code).toBe(2);
    expect(refs.stderr).toBe('refs.yaml:6:16: steps[0].check: unknown param "nope"\n');
    const manual = await runCli(['validate', 'manual.yaml'], { cwd: dir });
    expect(manual.stderr).toBe('manual.yaml:6:12: steps[0].check: `check` says how to see whether a command acted; a manual step runs none\n');
  });
});
