import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** SPEC section 3: every exit code produced through the real CLI. */

const runbook = (steps: string) => `apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: codes, title: Exit codes }\nsteps:\n${steps}`;

function setup(steps: string): string {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', runbook(steps));
  return dir;
}

const run = (dir: string, ...extra: string[]) => ['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r', ...extra];

describe('exit codes', () => {
  it('0: the run finished', async () => {
    const dir = setup('  - id: ok\n    run: echo fine\n');
    const result = await runCli(run(dir), { cwd: dir });
    expect(result.stdout).toContain('✔ run finished');
    expect(result.code).toBe(0);
  });

  it('1: a step failed; the run stops and resumes later', async () => {
    const dir = setup(`  - id: flaky\n    onFailure: abort\n    run: test -f ${join('$PWD', 'fixed')} || exit 7\n  - id: after\n    run: echo after\n`);
    const failed = await runCli(run(dir), { cwd: dir });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('flaky failed (exit 7)');
    expect(failed.stdout).toContain('resume with: fieldbook resume r');
    writeFileSync(join(dir, 'fixed'), '');
    const resumed = await runCli(['resume', 'r', '--ui', 'plain'], { cwd: dir });
    expect(resumed.stdout).toContain('after | after');
    expect(resumed.code).toBe(0);
  });

  it('2: usage and validation errors, as one line without a stack', async () => {
    const dir = setup('  - id: bad\n    run: echo ${{ params.nope }}\n');
    const invalid = await runCli(run(dir), { cwd: dir });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe('runbook.yaml:6:15: steps[0].run: unknown param "nope"\n');
    const usage = await runCli(['run', 'runbook.yaml', '--sitte', 'site.yaml'], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown option --sitte (did you mean --site?)');
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });

  it('3: waiting for an approval it cannot ask for, naming the step and the resume command', async () => {
    const dir = setup('  - id: wipe\n    destructive: true\n    run: echo wiped\n');
    const waiting = await runCli(run(dir), { cwd: dir });
    expect(waiting.code).toBe(3);
    expect(waiting.stdout).toContain('waiting: destructive step wipe needs the confirmation phrase "lab"');
    expect(waiting.stdout).toContain('resume with: fieldbook resume r --approve wipe');
    expect(waiting.stdout).not.toContain('wiped');
    const approved = await runCli(['resume', 'r', '--approve', 'wipe', '--ui', 'plain'], { cwd: dir });
    expect(approved.stdout).toContain('wipe | wiped');
    expect(approved.code).toBe(0);
  });

  it('4: refused while another live process holds the run, and when the runbook changed', async () => {
    const dir = setup(`  - id: slow\n    run: sleep 2\n  - id: fast\n    run: echo done\n`);
    const first = runCli(run(dir), { cwd: dir });
    await delay(700);
    const second = await runCli(['resume', 'r', '--ui', 'plain'], { cwd: dir });
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(/refused: .*lock is held by pid \d+ \(\S+@\S+\) since .*still running/);
    expect(second.stderr).toContain('fieldbook unlock');
    const done = await first;
    expect(done.code).toBe(0);
  });

  it('4: refused when the runbook changed since the run started, unless --force', async () => {
    const dir = setup('  - id: wipe\n    destructive: true\n    run: echo wiped\n');
    expect((await runCli(run(dir), { cwd: dir })).code).toBe(3);
    writeFixture(dir, 'runbook.yaml', runbook('  - id: wipe\n    destructive: true\n    run: echo wiped everything\n'));
    const refused = await runCli(['resume', 'r', '--approve', 'wipe', '--ui', 'plain'], { cwd: dir });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('changed since run r started');
    expect(refused.stderr).toContain('runbook: step wipe changed (run)');
    const forced = await runCli(['resume', 'r', '--approve', 'wipe', '--force', '--ui', 'plain'], { cwd: dir });
    expect(forced.stdout).toContain('wipe | wiped everything');
    expect(forced.code).toBe(0);
  });

  it('130: interrupted by the operator; the running step is cancelled and the run stays resumable', async () => {
    const dir = setup(`  - id: long\n    idempotent: true\n    run: sleep 30; touch long-finished\n  - id: next\n    run: echo next\n`);
    const interrupted = await runCli(run(dir), { cwd: dir, signalWhen: { stdout: '▶ [1/2] long', signal: 'SIGINT' } });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stdout).toContain('run paused: interrupted by the operator');
    expect(existsSync(join(dir, 'long-finished'))).toBe(false);
    const shown = await runCli(['show', 'r'], { cwd: dir });
    expect(shown.stdout).toContain('run r: paused');
    expect(shown.stdout).toContain('interrupted by the operator while running');
    // The cancelled step's outcome is unknown; being idempotent, it is run again by itself.
    const resumed = await runCli(['resume', 'r', '--ui', 'plain'], { cwd: dir, signalWhen: { stdout: 'long: rerun', signal: 'SIGINT' } });
    expect(resumed.stdout).toContain('long: rerun (idempotent step: safe to run again)');
    expect(resumed.code).toBe(130);
  });
});
