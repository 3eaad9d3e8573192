import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, stepEvents, writeFixture, type CliResult } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/**
 * Crash tests with real processes: fieldbook is SIGKILLed at many points of a run (between steps and in the
 * middle of them), then resumed. Every completed step must have run exactly once, and a step whose outcome is
 * unknown must be surfaced to the operator (exit 3 naming it), never re-run silently.
 */

const STEPS = 20;
const ITEMS = 30;

function stepsRunbook(counter: string): string {
  const steps = Array.from({ length: STEPS }, (_, i) => `  - id: step-${i + 1}
    run: |
      echo $$ > ${counter}.running
      sleep 0.02
      echo ${i + 1} >> ${counter}
      sleep 0.03
      rm -f ${counter}.running
`).join('');
  return `apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: crash-steps, title: Crash steps }\nsteps:\n${steps}`;
}

function foreachRunbook(counter: string): string {
  return `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: crash-items, title: Crash items }
steps:
  - id: items
    foreach: [${Array.from({ length: ITEMS }, (_, i) => `"item-${i + 1}"`).join(', ')}]
    run: |
      echo $$ > ${counter}.running
      sleep 0.02
      echo \${{ item }} >> ${counter}
      sleep 0.03
      rm -f ${counter}.running
`;
}

const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0) : []);

/**
 * Wait until the step script that was running when fieldbook was killed has finished: give a just-spawned shell
 * time to start (and write its pid file), then wait for that pid to end.
 */
async function orphanGone(counter: string): Promise<void> {
  await delay(250);
  for (let waited = 0; waited < 10_000; waited += 10) {
    const pid = existsSync(`${counter}.running`) ? Number(readFileSync(`${counter}.running`, 'utf8')) : NaN;
    if (!pid || !alive(pid)) return;
    await delay(10);
  }
  throw new Error('the orphaned step script did not finish within 10 s');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

interface Scenario {
  runbook: string;
  counter: string;
  expected: string[];
  /** The step and target label a waiting unit is printed with, given the counter line it writes. */
  labelOf: (line: string) => string;
}

/** Drive run + resumes with kills until the run finishes; returns how many kills happened and unknowns were shown. */
async function crashAndResume(dir: string, runId: string, scenario: Scenario, seed: number, minKills: number): Promise<{ kills: number; surfaced: number }> {
  const runsDir = join(dir, 'runs');
  const journal = join(runsDir, runId, 'journal.jsonl');
  const next = random(seed);
  let kills = 0;
  let surfaced = 0;
  // Kill right after a step or unit event (a step boundary, or a unit just started), or some ms later (mid-step).
  const killAt = () => ({ journal, events: stepEvents(journal) + 1, delayMs: next() < 0.6 ? 0 : Math.floor(next() * 40) });
  let result: CliResult = await runCli(['run', scenario.runbook, '--site', 'site.yaml', '--runs-dir', runsDir, '--run-id', runId, '--ui', 'plain'], { cwd: dir, killAt: killAt() });
  for (let round = 0; round < 400; round++) {
    if (result.killed) {
      kills++;
      await orphanGone(scenario.counter); // a killed fieldbook leaves its step running; a crashed laptop would not
    } else if (result.code === 3) {
      // The unknown unit is named; deciding needs the operator to look at the world, here the counter file.
      surfaced++;
      const before = lines(scenario.counter);
      const waiting = [...result.stdout.matchAll(/waiting: (.+?): outcome unknown/g)].map((m) => m[1]!);
      expect(waiting.length).toBeGreaterThan(0);
      expect(result.stdout).toMatch(/settle with: --decide /);
      const decisions = waiting.map((label) => {
        const step = label.replace(/\[.*$/, '');
        const line = scenario.expected.find((l) => scenario.labelOf(l) === label);
        expect(line, `unknown unit ${label} maps to a counter line`).toBeDefined();
        return `--decide=${step}=${before.includes(line!) ? 'done' : 'rerun'}`;
      });
      result = await runCli(['resume', runId, '--runs-dir', runsDir, '--ui', 'plain', ...decisions], { cwd: dir, ...(kills < minKills ? { killAt: killAt() } : {}) });
      continue;
    } else {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      break;
    }
    const before = lines(scenario.counter);
    result = await runCli(['resume', runId, '--runs-dir', runsDir, '--ui', 'plain'], { cwd: dir, ...(kills < minKills ? { killAt: killAt() } : {}) });
    // A resume that stops for a decision must not have run anything.
    if (result.code === 3) expect(lines(scenario.counter)).toEqual(before);
  }
  expect(result.code).toBe(0);
  expect(lines(scenario.counter)).toEqual(scenario.expected);
  return { kills, surfaced };
}

/**
 * Runs of the same runbook (each its own run and counter) until at least `minKills` kills happened in all: how
 * many kill points one run offers depends on timing, and a finished run offers no more.
 */
async function killPoints(dir: string, make: (counter: string) => { runbook: string; scenario: Omit<Scenario, 'runbook' | 'counter'> }, minKills: number): Promise<number> {
  let kills = 0;
  let surfaced = 0;
  for (let run = 1; kills < minKills; run++) {
    expect(run, `fewer than ${minKills} kill points in 4 runs`).toBeLessThanOrEqual(4);
    const counter = join(dir, `counter-${run}`);
    const { runbook, scenario } = make(counter);
    writeFixture(dir, `runbook-${run}.yaml`, runbook);
    const result = await crashAndResume(dir, `r${run}`, { ...scenario, runbook: `runbook-${run}.yaml`, counter }, 7 * run, minKills - kills);
    kills += result.kills;
    surfaced += result.surfaced;
  }
  // Some kills left a unit mid-way: its unknown outcome was put to the operator (exit 3), never rerun silently.
  expect(surfaced).toBeGreaterThan(0);
  return kills;
}

describe('crash and resume', () => {
  it(`runs each of ${STEPS} steps exactly once across at least 40 SIGKILLs`, async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    const expected = Array.from({ length: STEPS }, (_, i) => String(i + 1));
    const kills = await killPoints(dir, (counter) => ({ runbook: stepsRunbook(counter), scenario: { expected, labelOf: (line) => `step-${line}` } }), 40);
    expect(kills).toBeGreaterThanOrEqual(40);
  }, 240_000);

  it(`runs each of ${ITEMS} foreach items exactly once across SIGKILLs`, async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    const expected = Array.from({ length: ITEMS }, (_, i) => `item-${i + 1}`);
    const kills = await killPoints(dir, (counter) => ({ runbook: foreachRunbook(counter), scenario: { expected, labelOf: (line) => `items[${Number(line.slice(5)) - 1}: ${line}]` } }), 40);
    expect(kills).toBeGreaterThanOrEqual(40);
  }, 240_000);
});
