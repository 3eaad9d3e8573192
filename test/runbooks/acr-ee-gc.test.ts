import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO, runCli } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

// acr-ee-gc is console-only: every step is manual. Walked through without a terminal (--approve, --record), the
// run records each piece of evidence and who confirmed the garbage collection; without them it stops and says so.

const RECORDS = {
  'preflight.ticket': 'CHG-2024-0815',
  'usage-before.bucket': 'acr-ee-data-hz',
  'usage-before.usage': '812.4 GB',
  'enable-gc.whitelistTicket': 'T-42',
  'run-gc.taskId': 'gc-20240501-1',
  'watch-task.status': 'Succeeded',
  'watch-task.endedAt': '2024-05-01 10:00 CST',
  'usage-after.usage': '811.9 GB',
  'usage-after.checkAgainOn': '2024-05-08',
};
const STEPS = ['preflight', 'usage-before', 'freeze-bucket', 'enable-gc', 'run-gc', 'watch-task', 'usage-after'];
const site = join(REPO, 'examples', 'acr-ee.yaml');

test('walks through every manual step and records the evidence and the confirmation', async () => {
  const dir = tempDirForTest();
  const args = ['run', 'acr-ee-gc', '--site', site, '--ui', 'plain', '--run-id', 'acr'];
  for (const step of STEPS) args.push('--approve', step);
  for (const [key, value] of Object.entries(RECORDS)) args.push('--record', `${key}=${value}`);
  const result = await runCli(args, { cwd: dir });
  expect(result.stderr).toBe('');
  expect(result.code, result.stdout).toBe(0);

  const shown = await runCli(['show', 'acr', '--json'], { cwd: dir });
  expect(shown.code).toBe(0);
  const run = JSON.parse(shown.stdout) as {
    status: string;
    steps: { id: string; outputs?: Record<string, unknown> }[];
    records: { kind: string; step: string; by: { user: string }; text: string }[];
  };
  expect(run.status).toBe('succeeded');
  for (const [key, value] of Object.entries(RECORDS)) {
    const [step, name] = key.split('.') as [string, string];
    expect(run.steps.find((s) => s.id === step)?.outputs?.[name], key).toBe(value);
  }
  // The destructive step was confirmed with the site's name typed, and its checklist ticked, by a named user.
  const confirmations = run.records.filter((r) => r.kind === 'confirmation' && r.step === 'run-gc');
  expect(confirmations.map((r) => r.text)).toEqual([expect.stringContaining('"acr-ee-hangzhou"'), expect.stringContaining('checklist done')]);
  expect(confirmations.every((r) => r.by.user.length > 0)).toBe(true);
});

test('without a terminal and without --approve it stops at the first step and names what it needs', async () => {
  const dir = tempDirForTest();
  const result = await runCli(['run', 'acr-ee-gc', '--site', site, '--ui', 'plain', '--run-id', 'acr'], { cwd: dir });
  expect(result.code).toBe(3);
  expect(result.stdout + result.stderr).toMatch(/--record preflight\.ticket=/);
});

test('skips the whitelist ticket when garbage collection was enabled before', async () => {
  const dir = tempDirForTest();
  const args = ['run', 'acr-ee-gc', '--site', site, '--ui', 'plain', '--run-id', 'acr', '--param', 'gcEnabled=true'];
  for (const step of STEPS.filter((s) => s !== 'enable-gc')) args.push('--approve', step);
  for (const [key, value] of Object.entries(RECORDS).filter(([key]) => !key.startsWith('enable-gc.'))) args.push('--record', `${key}=${value}`);
  const result = await runCli(args, { cwd: dir });
  expect(result.code, result.stdout).toBe(0);
  expect(result.stdout).toMatch(/enable-gc.*skipped/i);
});
