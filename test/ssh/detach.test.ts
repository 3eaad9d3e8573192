import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { DetachedOffsets } from '../../src/transports/ssh/index.js';
import type { ExecRequest } from '../../src/schema/transport.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { hostOf, labTransport } from './helpers.js';

const HOME = '/home/fieldbook-test';
const LINES = 20;
/** Prints numbered lines to stdout and stderr over ~1.5 s and counts its own runs. */
const script = (runDir: string) =>
  `echo run >> "$HOME/${runDir}/runs"\n` +
  `for i in $(seq 1 ${LINES}); do echo "out $i"; echo "err $i" >&2; sleep 0.05; done\nexit 3\n`;
const expectedOut = Array.from({ length: LINES }, (_, i) => `out ${i + 1}\n`).join('');
const expectedErr = Array.from({ length: LINES }, (_, i) => `err ${i + 1}\n`).join('');

describe('ssh detached steps', () => {
  let lab: SshdLab;
  beforeAll(async () => {
    lab = await startSshd();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  function setup(options: Parameters<typeof labTransport>[1] = {}) {
    const runDir = `.fieldbook/runs/test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    onTestFinished(() => rmSync(`${HOME}/${runDir}`, { recursive: true, force: true }));
    const made = labTransport([lab], { reconnect: { initialDelayMs: 100, maxDelayMs: 500, budgetMs: 10_000 }, ...options });
    return { ...made, runDir };
  }

  function detached(runDir: string, extra: Partial<ExecRequest> = {}) {
    const seen = { stdout: '', stderr: '', offsets: [] as DetachedOffsets[] };
    const request: ExecRequest = {
      target: { kind: 'host', host: hostOf(lab) },
      command: { kind: 'script', script: script(runDir), shell: 'bash' },
      onStdout: (chunk) => (seen.stdout += chunk.toString()),
      onStderr: (chunk) => (seen.stderr += chunk.toString()),
      ...extra,
    };
    return { request, seen };
  }

  const runs = (runDir: string) => readFileSync(`${HOME}/${runDir}/runs`, 'utf8').split('\n').filter(Boolean).length;

  it('runs the script detached, streams both outputs, and reports its exit code and offsets', async () => {
    const { transport, runDir } = setup();
    const { request, seen } = detached(runDir);
    const result = await transport.execDetached(request, { runDir, key: 'step-a.cp1', onOffsets: (o) => seen.offsets.push(o) });
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 3 });
    expect(seen.stdout).toBe(expectedOut);
    expect(seen.stderr).toBe(expectedErr);
    expect(seen.offsets.at(-1)).toEqual({ stdout: expectedOut.length, stderr: expectedErr.length });
    for (const file of ['pid', 'out', 'err', 'exit']) expect(existsSync(`${HOME}/${runDir}/step-a.cp1/${file}`)).toBe(true);
    expect(runs(runDir)).toBe(1);
  });

  it('reattaches after the connection drops: the step runs once and no output is lost or repeated', async () => {
    const { transport, runDir } = setup();
    const { request, seen } = detached(runDir);
    const pending = transport.execDetached(request, { runDir, key: 'drop' });
    await until(() => seen.stdout.includes('out 5'));
    lab.dropConnections();
    const result = await pending;
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 3 });
    expect(seen.stdout).toBe(expectedOut);
    expect(seen.stderr).toBe(expectedErr);
    expect(runs(runDir)).toBe(1);
    expect(transport.connectionsOpened()).toBeGreaterThanOrEqual(2);
  });

  it('reconnects with backoff while sshd is down, then reattaches', async () => {
    const { transport, runDir } = setup();
    const { request, seen } = detached(runDir);
    const pending = transport.execDetached(request, { runDir, key: 'outage' });
    await until(() => seen.stdout.includes('out 3'));
    await lab.kill();
    await new Promise((r) => setTimeout(r, 1_500));
    await lab.start();
    const result = await pending;
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 3 });
    expect(seen.stdout).toBe(expectedOut);
    expect(seen.stderr).toBe(expectedErr);
    expect(runs(runDir)).toBe(1);
  });

  it('follows again when the session process is killed, without re-running', async () => {
    const { transport, runDir } = setup();
    const { request, seen } = detached(runDir);
    const pending = transport.execDetached(request, { runDir, key: 'victim' });
    await until(() => seen.stdout.includes('out 5'));
    execFileSync('pkill', ['-KILL', '-u', lab.user, '-f', 'tail -c']);
    const result = await pending;
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 3 });
    expect(seen.stdout).toBe(expectedOut);
    expect(runs(runDir)).toBe(1);
  });

  it('after a crash, a new transport with the same key and offsets reattaches instead of re-running', async () => {
    const first = setup({ reconnect: { budgetMs: 0 } });
    const { runDir } = first;
    const before = detached(runDir);
    let offsets: DetachedOffsets = { stdout: 0, stderr: 0 };
    const pending = first.transport.execDetached(before.request, { runDir, key: 'crash', onOffsets: (o) => (offsets = o) });
    await until(() => before.seen.stdout.includes('out 4'));
    lab.dropConnections();
    expect((await pending).outcome.kind).toBe('unknown');

    // The operator's machine "crashed": a fresh transport resumes from the journaled offsets.
    const second = labTransport([lab]);
    const after = detached(runDir);
    const result = await second.transport.execDetached(after.request, { runDir, key: 'crash', offsets });
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 3 });
    expect(before.seen.stdout.slice(0, offsets.stdout) + after.seen.stdout).toBe(expectedOut);
    expect(before.seen.stderr.slice(0, offsets.stderr) + after.seen.stderr).toBe(expectedErr);
    expect(runs(runDir)).toBe(1);
  });

  it('runs detached as root with become: sudo', async () => {
    const { transport } = setup();
    const runDir = `.fieldbook/runs/sudo-${process.pid}`;
    onTestFinished(() => rmSync(`/home/${lab.nopasswdUser}/${runDir}`, { recursive: true, force: true }));
    let stdout = '';
    const result = await transport.execDetached(
      {
        target: { kind: 'host', host: hostOf(lab, { user: lab.nopasswdUser, become: 'sudo' }) },
        command: { kind: 'script', script: 'id -u; exit 5', shell: 'sh' },
        onStdout: (chunk) => (stdout += chunk.toString()),
        onStderr: () => undefined,
      },
      { runDir, key: 'as-root' },
    );
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 5 });
    expect(stdout).toBe('0\n');
  });

  it('kills the whole detached process group on timeout', async () => {
    const { transport, runDir } = setup();
    const marker = `detached-timeout-${process.pid}`;
    const { request } = detached(runDir, {
      command: { kind: 'script', script: `sleep 40 &\nexec -a ${marker} sleep 41`, shell: 'bash' },
      timeoutMs: 800,
    });
    const result = await transport.execDetached(request, { runDir, key: 'slow' });
    expect(result.outcome).toEqual({ kind: 'timeout' });
    await new Promise((r) => setTimeout(r, 200));
    expect(execFileSync('ps', ['-u', lab.user, '-o', 'args', '--no-headers'], { encoding: 'utf8' })).not.toMatch(/sleep 4[01]|detached-timeout/);
  });
});

async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
