import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI, runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** `fieldbook replay` in a real terminal (tmux): it plays a recorded run to its end, and ends where `show` is. */

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: replayed, title: A run to replay }
steps:
  - id: prepare
    title: Prepare
    run: for i in $(seq 1 12); do echo "preparing part $i"; sleep 0.25; done
  - id: flaky
    title: Fetch from a flaky mirror
    retries: { count: 2, delay: 1s }
    run: |
      if [ ! -f flaky-marker ]; then touch flaky-marker; echo "mirror timed out" >&2; exit 28; fi
      echo "fetched"
  - id: optional
    when: false
    run: echo never
  - id: wipe
    title: Wipe the work area
    destructive: true
    run: echo wiped
  - id: slow
    title: Migrate slowly
    run: echo "migrating"; sleep 20; echo migrated
  - id: check
    title: Check the result
    onFailure: continue
    run: echo "check found 1 problem" >&2; exit 3
`;

/** A private tmux server, killed when the test ends; the pane runs with a clean environment (no CI). */
function tmux(dir: string) {
  const socket = `fieldbook-replay-${process.pid}-${Date.now()}`;
  const run = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  onTestFinished(() => {
    try {
      run('kill-server');
    } catch {
      // already gone
    }
  });
  return {
    start(command: string) {
      const env = ['env', '-i', `PATH=${process.env['PATH'] ?? '/usr/bin:/bin'}`, `HOME=${dir}`, `FIELDBOOK_HOME=${join(dir, '.fieldbook')}`, 'TERM=screen', 'LANG=C.UTF-8'];
      const argv = [...env, 'sh', '-c', `${command}; echo "EXIT=$?"; sleep 600`].map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ');
      run('new-session', '-d', '-x', '100', '-y', '40', '-s', 'replay', '-c', dir, argv);
    },
    /** The screen and everything scrolled above it. */
    all: () => run('capture-pane', '-p', '-S', '-1000', '-t', 'replay'),
    screen: () => run('capture-pane', '-p', '-t', 'replay'),
    keys: (...keys: string[]) => run('send-keys', '-t', 'replay', ...keys),
    async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
      const until = Date.now() + timeoutMs;
      let text = '';
      while (Date.now() < until) {
        text = run('capture-pane', '-p', '-S', '-1000', '-t', 'replay');
        if (pattern.test(text)) return text;
        await delay(50);
      }
      throw new Error(`never saw ${String(pattern)}; the terminal shows:\n${text}`);
    },
  };
}

/** `show`'s step lines: glyph, id, status. */
function showSteps(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^\S (\S+) (pending|running|succeeded|failed|skipped)\b/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The TUI's printed step lines after the last resume (the replay's final screen): id → status word. */
function replayedSteps(text: string): Map<string, string> {
  const lastSession = text.slice(text.lastIndexOf('resumed by'));
  return new Map([...lastSession.matchAll(/^\S \d+\. (\S+)(?: — [^[\n]*)?(?: \[[^\]]*\])? (succeeded|failed|skipped|outcome unknown|pending)\b/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('fieldbook replay in a terminal', () => {
  it('plays a crashed and resumed run to its end, with pause and speed keys, and ends in the state show reports', { timeout: 90_000 }, async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'runbook.yaml', RUNBOOK);
    const journal = join(dir, '.fieldbook', 'runs', 'rp', 'journal.jsonl');
    // prepare (4 events) + flaky with a retry (6) + optional skipped (1) + wipe (4) + slow started (2): killed there.
    const crashed = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--run-id', 'rp', '--ui', 'plain', '--approve', 'wipe'], { cwd: dir, killAt: { journal, events: 17, delayMs: 300 } });
    expect(crashed.killed, crashed.stdout).toBe(true);
    const resumed = await runCli(['resume', 'rp', '--ui', 'plain', '--decide', 'slow=done'], { cwd: dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(1);
    const shown = await runCli(['show', 'rp'], { cwd: dir });
    const expected = showSteps(shown.stdout);
    expect([...expected]).toEqual([['prepare', 'succeeded'], ['flaky', 'succeeded'], ['optional', 'skipped'], ['wipe', 'succeeded'], ['slow', 'succeeded'], ['check', 'failed']]);
    expect(shown.stdout).toMatch(/^run rp: failed$/m);

    const term = tmux(dir);
    const started = Date.now();
    term.start(`node ${CLI} replay rp --speed 0.5`);

    // The first session plays in the TUI: the status line says where the replay is; space pauses it.
    let text = await term.waitFor(/replay session 1\/2 \(run by [^)]+\) · \d\d:\d\d:\d\d UTC · ×0\.5/);
    expect(text).toContain('Replay of run rp, read-only: nothing runs, nothing is written');
    expect(text).toMatch(/prepare Prepare/);
    // It never passes itself off as a live run: a REPLAY badge, and the replay's own keys.
    expect(text).toContain(' REPLAY ');
    expect(text).not.toContain(' LIVE ');
    expect(text).toMatch(/space pause .*\+\/- speed .*q quit/);
    // Output comes from the log, spread over the time the step ran.
    await term.waitFor(/│ preparing part \d+/);
    term.keys(' ');
    text = await term.waitFor(/· PAUSED ·/);
    const frozen = /(\d\d:\d\d:\d\d) UTC · PAUSED/.exec(term.screen())?.[1];
    await delay(1200);
    expect(/(\d\d:\d\d:\d\d) UTC · PAUSED/.exec(term.screen())?.[1]).toBe(frozen);
    // Then faster (0.5 → 1 → 2), to the end.
    term.keys(' ', '+', '+');
    await term.waitFor(/· ×2 ·/);
    // The retry, as the operator saw it in the live area: the failed attempt's output, then the retry.
    await term.waitFor(/│ mirror timed out/);

    // The crash, the resume, and the end.
    text = await term.waitFor(/EXIT=0/, 60_000);
    const elapsed = Date.now() - started;
    expect(text).toMatch(/✘ fieldbook stopped here without finishing \(killed, crashed or lost power\) at \d\d:\d\d:\d\d UTC/);
    expect(text).toMatch(/── stopped without finishing at \d\d:\d\d:\d\d UTC; [\d.]+s later resumed by \S+ \(pid \d+\) ──/);
    expect(text).toMatch(/● slow: decision slow: done \(--decide slow=done\)/);
    expect(text).toContain('✘ run finished with failed steps');
    expect(text).toContain('replay of run rp reached the end of its journal (the run finished)');

    // The final state on screen is the one show reports, step by step.
    expect([...replayedSteps(text)]).toEqual([...expected]);
    // Nothing was written to the run.
    expect((await runCli(['show', 'rp'], { cwd: dir })).stdout).toBe(shown.stdout);
    console.log(`replay under tmux took ${elapsed} ms`);
  });

  it('without a terminal, prints every reconstructed event at once (plain and JSON lines)', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'runbook.yaml', RUNBOOK.replace('sleep 20; ', '').replace('sleep 0.25', 'true').replace('exit 3', 'exit 0'));
    expect((await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--run-id', 'rp', '--ui', 'plain', '--approve', 'wipe'], { cwd: dir })).code).toBe(0);
    const plain = await runCli(['replay', 'rp'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('↻ flaky retrying in 1s (exit code 28)');
    expect(plain.stdout).toContain('✔ run finished');
    const json = await runCli(['replay', 'rp', '--ui', 'json'], { cwd: dir });
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events[0]!.type).toBe('run-started');
    expect(events.at(-1)!.type).toBe('run-finished');
    expect(events.filter((e) => e.type === 'output').length).toBeGreaterThan(3);
  });
});
