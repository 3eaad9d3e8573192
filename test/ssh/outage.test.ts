import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it, type TestContext } from 'vitest';
import { createSshTransport, type SshTransport } from '../../src/transports/ssh/index.js';
import { runCli, writeFixture } from '../harness/cli.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { makeTempDir } from '../harness/tmp.js';
import { hostOf, writeLabSite } from './helpers.js';

/**
 * sshd down for 20 s during a detached step (its listener and every connection killed, as when the host's sshd
 * crashes or restarts), then started again. The transport runs with its default reconnect policy (backoff up to
 * 8 s, budget 120 s), so these tests also show the default budget covers an outage of this length.
 * The tests run concurrently (each has its own sshd), so they use the test context's hooks and `expect`.
 */

const OUTAGE_MS = 20_000;
const HOME = '/home/fieldbook-test';
const TIMEOUT = 120_000;

describe.concurrent('sshd down for 20 s during a detached step', () => {
  it('reconnects and reattaches while the step still runs: it runs once, output complete and not repeated', async (ctx) => {
    const { expect } = ctx;
    const lab = await labFor(ctx);
    const { transport, runDir } = isolatedTransport(ctx, lab);
    // ~35 s: still running when the backoff (0.5, 1, 2, 4, 8, 8 s) reaches the restarted sshd.
    const lines = 70;
    const seen = collector();
    const started = Date.now();
    const pending = transport.execDetached(request(lab, script(runDir, lines, 0.5, 0), seen), { runDir, key: 'outage-live' });

    await until(() => seen.stdout.includes('out 3\n'));
    await lab.kill();
    const down = Date.now();
    await delay(OUTAGE_MS);
    const before = seen.stdout.length;
    await lab.start();
    const up = Date.now();
    await until(() => seen.stdout.length > before, 30_000);
    const reattachedAfterMs = Date.now() - up;
    const result = await pending;

    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(seen.stdout).toBe(numbered('out', lines));
    expect(seen.stderr).toBe(numbered('err', lines));
    expect(runs(runDir)).toBe(1);
    expect(up - down).toBeGreaterThanOrEqual(OUTAGE_MS);
    // The backoff is capped at 8 s, so the first attempt after the restart comes within about that.
    expect(reattachedAfterMs).toBeLessThan(15_000);
    expect(transport.connectionsOpened()).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(TIMEOUT);
  }, TIMEOUT);

  it('picks up the exit code and the rest of the output of a step that finished while sshd was down', async (ctx) => {
    const { expect } = ctx;
    const lab = await labFor(ctx);
    const { transport, runDir } = isolatedTransport(ctx, lab);
    // ~5 s: over long before sshd comes back.
    const lines = 20;
    const seen = collector();
    const pending = transport.execDetached(request(lab, script(runDir, lines, 0.25, 4), seen), { runDir, key: 'outage-done' });

    await until(() => seen.stdout.includes('out 2\n'));
    await lab.kill();
    await delay(OUTAGE_MS);
    expect(readFileSync(`${HOME}/${runDir}/outage-done/exit`, 'utf8').trim()).toBe('4');
    await lab.start();
    const result = await pending;

    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 4 });
    expect(seen.stdout).toBe(numbered('out', lines));
    expect(seen.stderr).toBe(numbered('err', lines));
    expect(runs(runDir)).toBe(1);
  }, TIMEOUT);

  it('fieldbook run (default reconnect budget) rides out the outage: exit 0, the step ran once, its log complete', async (ctx) => {
    const { expect } = ctx;
    const lab = await labFor(ctx);
    const temp = makeTempDir();
    ctx.onTestFinished(() => temp.remove());
    const dir = temp.path;
    const runId = `outage-${process.pid}-${Date.now().toString(36)}`;
    ctx.onTestFinished(() => removeRemoteRunDirs(runId));
    const marker = `/tmp/fieldbook-${runId}`;
    ctx.onTestFinished(() => rmSync(marker, { force: true }));
    writeLabSite(dir, [lab], { name: 'outage' });
    const chunks = 60;
    writeFixture(dir, 'rb.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: outage, title: Outage }
roles: { nodes: {} }
steps:
  - id: copy
    on: nodes
    detach: true
    run: |
      echo started >> ${marker}
      for i in $(seq 1 ${chunks}); do echo "chunk $i"; sleep 0.5; done
  - id: after
    on: nodes
    run: echo after
`);
    const log = join(dir, '.fieldbook', 'runs', runId, 'logs', 'copy', 'n1.log');
    const running = runCli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', runId], { cwd: dir });
    await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('chunk 3\n'), 20_000);
    await lab.kill();
    await delay(OUTAGE_MS);
    await lab.start();
    const result = await running;

    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('after@n1 | after');
    const text = readFileSync(log, 'utf8');
    for (let i = 1; i <= chunks; i++) expect(text.split(`chunk ${i}\n`).length - 1, `chunk ${i} once in the log`).toBe(1);
    expect(readFileSync(marker, 'utf8')).toBe('started\n');
    const shown = await runCli(['show', runId], { cwd: dir });
    expect(shown.stdout).toContain('✔ copy succeeded');
  }, TIMEOUT);
});

async function labFor(ctx: TestContext): Promise<SshdLab> {
  const lab = await startSshd();
  ctx.onTestFinished(() => lab.stop());
  return lab;
}

/** A transport with the default reconnect policy and keepalive, isolated from the real home directory. */
function isolatedTransport(ctx: TestContext, lab: SshdLab): { transport: SshTransport; runDir: string } {
  const temp = makeTempDir('fieldbook-ssh-');
  ctx.onTestFinished(() => temp.remove());
  const knownHostsPath = join(temp.path, 'known_hosts');
  writeFileSync(knownHostsPath, `${lab.knownHostsLine}\n`);
  const transport = createSshTransport({ knownHostsPath, sshConfigPath: null, homeDir: temp.path, agentSocket: null });
  ctx.onTestFinished(() => transport.close());
  const runDir = `.fieldbook/runs/outage-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  ctx.onTestFinished(() => rmSync(`${HOME}/${runDir}`, { recursive: true, force: true }));
  return { transport, runDir };
}

/** Numbered lines on stdout and stderr, one pair every `every` seconds; counts its own runs. */
function script(runDir: string, lines: number, every: number, exitCode: number): string {
  return (
    `echo run >> "$HOME/${runDir}/runs"\n` +
    `for i in $(seq 1 ${lines}); do echo "out $i"; echo "err $i" >&2; sleep ${every}; done\nexit ${exitCode}\n`
  );
}

function numbered(prefix: string, lines: number): string {
  return Array.from({ length: lines }, (_, i) => `${prefix} ${i + 1}\n`).join('');
}

function collector() {
  return { stdout: '', stderr: '' };
}

function request(lab: SshdLab, body: string, seen: { stdout: string; stderr: string }) {
  return {
    target: { kind: 'host' as const, host: hostOf(lab) },
    command: { kind: 'script' as const, script: body, shell: 'bash' as const },
    onStdout: (chunk: Buffer) => (seen.stdout += chunk.toString()),
    onStderr: (chunk: Buffer) => (seen.stderr += chunk.toString()),
  };
}

function runs(runDir: string): number {
  return readFileSync(`${HOME}/${runDir}/runs`, 'utf8').split('\n').filter(Boolean).length;
}

/** The engine names its remote run directory `<run id>-<hash>` under the login user's home. */
function removeRemoteRunDirs(runId: string): void {
  const base = `${HOME}/.fieldbook/runs`;
  if (!existsSync(base)) return;
  for (const name of readdirSync(base)) if (name.startsWith(`${runId}-`)) rmSync(join(base, name), { recursive: true, force: true });
}

async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(20);
  }
}
