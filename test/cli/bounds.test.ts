import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** Issue #16 item 5: output from a host cannot stall or crash the engine. */

const runbook = (steps: string) => `apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: bounds, title: Bounds }\nsteps:\n${steps}`;

function setup(steps: string): string {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', runbook(steps));
  return dir;
}

const run = ['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r'];

// `^(a+)+$` on forty `a`s and a `!` backtracks for longer than anyone waits (2^40 ways to split the `a`s).
const evilStep = (timeout: string) => `  - id: evil\n    timeout: ${timeout}\n    onFailure: abort\n    run: echo '${'a'.repeat(40)}!'\n    capture:\n      v: { regex: '^(a+)+$' }\n`;

function journal(dir: string): Array<Record<string, unknown>> {
  return readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('bounded work on output from a host', () => {
  it('a backtracking capture regex ends within the step timeout plus one second, failing the step', async () => {
    const dir = setup(evilStep('2s'));
    const result = await runCli(run, { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("evil failed (exit 0): capture regex stopped after");
    const events = journal(dir);
    const started = events.find((e) => e['type'] === 'unit-started')!;
    const finished = events.find((e) => e['type'] === 'unit-finished')!;
    expect(finished['outcome']).toBe('failed');
    expect(Date.parse(finished['at'] as string) - Date.parse(started['at'] as string)).toBeLessThan(3_000);
  }, 20_000);

  it('Ctrl-C ends a backtracking capture regex at once (exit 130), long before the step timeout', async () => {
    const dir = setup(evilStep('60s'));
    const started = Date.now();
    const result = await runCli(run, { cwd: dir, signalWhen: { stdout: 'evil | aaaa', signal: 'SIGINT', delayMs: 500 } }); // the echo has ended; the regex runs
    expect(result.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(journal(dir).find((e) => e['type'] === 'unit-finished')).toMatchObject({ outcome: 'failed', reason: 'capture regex interrupted by the operator' });
  }, 20_000);

  it('JSON nested 200,000 deep fails the step with a clear message instead of crashing', async () => {
    const deep = "head -c 200000 /dev/zero | tr '\\0' '['; head -c 200000 /dev/zero | tr '\\0' ']'";
    const dir = setup(`  - id: deep\n    onFailure: abort\n    run: ${deep}\n    capture:\n      v: { json: true }\n`);
    const result = await runCli(run, { cwd: dir });
    expect(result.stderr).not.toContain('internal error');
    expect(result.stdout).toContain('deep failed (exit 0): capture v: stdout is JSON nested more than 100 levels deep; fieldbook reads at most 100');
    expect(result.code).toBe(1);
  }, 20_000);
});
