import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: three, title: Three steps }
steps:
  - id: one
    run: echo one >> counter
  - id: two
    run: echo two >> counter
  - id: three
    run: echo three >> counter
`;

function setup(): string {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'three.yaml', RUNBOOK);
  return dir;
}

const counter = (dir: string) => readFileSync(join(dir, 'counter'), 'utf8').trim().split('\n');

describe('optional params nobody gave', () => {
  it('are empty in the run and on resume: an optional secret is not asked for again', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'opt.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: opt, title: Optional params }
params:
  token: { secret: true }
  user: {}
  extra: { type: list }
steps:
  - id: first
    run: test -f go || { echo "not yet"; exit 1; }
  - id: second
    run: echo "route=\${{ params.token && 'token' || 'password' }} user=[\${{ params.user }}] extra=[\${{ params.extra }}]"
`);
    const first = await runCli(['run', 'opt.yaml', '--site', 'site.yaml', '--run-id', 'r', '--ui', 'plain'], { cwd: dir });
    expect(first.code, first.stderr).toBe(1);
    writeFixture(dir, 'go', '');
    const resumed = await runCli(['resume', 'r', '--ui', 'plain'], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('route=password user=[] extra=[]');
  });
});

describe('deliberate re-runs and damaged journals', () => {
  it('--only and --from run finished steps again, recorded in the journal', async () => {
    const dir = setup();
    expect((await runCli(['run', 'three.yaml', '--site', 'site.yaml', '--run-id', 'r', '--ui', 'plain'], { cwd: dir })).code).toBe(0);
    const nothing = await runCli(['resume', 'r', '--ui', 'plain'], { cwd: dir });
    expect(nothing.stdout).toContain('already finished');
    expect((await runCli(['resume', 'r', '--only', 'two', '--ui', 'plain'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['resume', 'r', '--from', 'two', '--ui', 'plain'], { cwd: dir })).code).toBe(0);
    expect(counter(dir)).toEqual(['one', 'two', 'three', 'two', 'two', 'three']);
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'journal.jsonl'), 'utf8');
    expect(journal).toMatch(/"type":"rerun-requested".*"only":"two","steps":\["two"\]/);
    expect(journal).toMatch(/"type":"rerun-requested".*"from":"two","steps":\["two","three"\]/);
  });

  it('run --from starts at a step, recording the ones left out', async () => {
    const dir = setup();
    const result = await runCli(['run', 'three.yaml', '--site', 'site.yaml', '--run-id', 'r', '--from', 'two', '--ui', 'plain'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(counter(dir)).toEqual(['two', 'three']);
    expect((await runCli(['show', 'r'], { cwd: dir })).stdout).toContain('– one skipped (not selected (--from two))');
  });

  it('a torn last journal line (crash mid-write) is reported, cut off, and the run resumes', async () => {
    const dir = setup();
    writeFixture(dir, 'three.yaml', RUNBOOK.replace('echo three >> counter', 'echo three >> counter\n    destructive: true'));
    expect((await runCli(['run', 'three.yaml', '--site', 'site.yaml', '--run-id', 'r', '--ui', 'plain'], { cwd: dir })).code).toBe(3);
    const journal = join(dir, '.fieldbook', 'runs', 'r', 'journal.jsonl');
    appendFileSync(journal, '{"type":"unit-sta');
    const shown = await runCli(['show', 'r'], { cwd: dir });
    expect(shown.code).toBe(0);
    const resumed = await runCli(['resume', 'r', '--approve', 'three', '--ui', 'plain'], { cwd: dir });
    expect(resumed.stdout).toMatch(/note: the journal's last line \d+ was torn by a crash mid-write and was dropped/);
    expect(resumed.code).toBe(0);
    expect(counter(dir)).toEqual(['one', 'two', 'three']);
    expect(readFileSync(journal, 'utf8')).not.toContain('{"type":"unit-sta{');
  });
});
