import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { hostOf, labTransport, runScript } from './helpers.js';

describe('ssh exec', () => {
  let lab: SshdLab;
  beforeAll(async () => {
    lab = await startSshd();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  function transport(options: Parameters<typeof labTransport>[1] = {}) {
    const { transport } = labTransport([lab], options);
    return transport;
  }

  it('reports exit codes 0, 1 and 127 from the channel', async () => {
    const ssh = transport();
    const host = hostOf(lab);
    expect((await runScript(ssh, host, 'whoami')).outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect((await runScript(ssh, host, 'exit 1')).outcome).toEqual({ kind: 'exited', exitCode: 1 });
    const missing = await runScript(ssh, host, 'fieldbook-no-such-command');
    expect(missing.outcome).toEqual({ kind: 'exited', exitCode: 127 });
    expect(missing.stderr).toContain('fieldbook-no-such-command');
  });

  it('runs as the site user with env and cwd, under bash and sh', async () => {
    const ssh = transport();
    const host = hostOf(lab);
    const env = { GREETING: "it's $HOME" };
    const bash = await runScript(ssh, host, 'echo "$(whoami) $BASH_VERSION" ; printf "%s|%s\\n" "$GREETING" "$PWD"', { env, cwd: '/tmp' });
    expect(bash.stdout).toMatch(/^fieldbook-test \d/);
    expect(bash.stdout).toContain(`it's $HOME|/tmp\n`);
    const sh = await runScript(ssh, host, 'echo "bash=${BASH_VERSION:-none}"; printf "%s\\n" "$GREETING"', { env, shell: 'sh' });
    expect(sh.stdout).toBe(`bash=none\nit's $HOME\n`);
  });

  it('runs an argv without a shell re-parsing its words, with env and cwd', async () => {
    const ssh = transport();
    let stdout = '';
    const result = await ssh.exec({
      target: { kind: 'host', host: hostOf(lab) },
      command: { kind: 'argv', argv: ['sh', '-c', 'printf "[%s]\\n" "$@" "$PWD" "$GREETING"', 'sh', 'a b', "it's", '$(id)'] },
      env: { GREETING: 'hi there' },
      cwd: '/tmp',
      onStdout: (chunk) => (stdout += chunk.toString()),
      onStderr: () => undefined,
    });
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(stdout).toBe("[a b]\n[it's]\n[$(id)]\n[/tmp]\n[hi there]\n");

    let echoed = '';
    await ssh.exec({
      target: { kind: 'host', host: hostOf(lab) },
      command: { kind: 'argv', argv: ['tr', 'a-z', 'A-Z'], input: 'from stdin\n' },
      onStdout: (chunk) => (echoed += chunk.toString()),
      onStderr: () => undefined,
    });
    expect(echoed).toBe('FROM STDIN\n');
  });

  it('keeps the exit status of a command that ends before its channel is handed over (no stdin to wait for)', async () => {
    // The exec reply, the exit status and the close can arrive in one TCP read: the status must not be lost.
    const ssh = transport();
    const target = { kind: 'host' as const, host: hostOf(lab) };
    const run = () => ssh.exec({ target, command: { kind: 'argv', argv: ['true'] }, onStdout: () => undefined, onStderr: () => undefined });
    const outcomes = [];
    for (let round = 0; round < 40; round++) outcomes.push(...(await Promise.all([run(), run(), run()])).map((r) => r.outcome));
    expect(outcomes.filter((o) => o.kind !== 'exited')).toEqual([]);
  });

  it('streams stdout and stderr while the command runs', async () => {
    const ssh = transport();
    const seen: number[] = [];
    const started = Date.now();
    const ran = await runScript(ssh, hostOf(lab), 'echo first; echo oops >&2; sleep 1; echo second', {
      onStdout: (text) => {
        if (text.includes('first')) seen.push(Date.now() - started);
      },
    });
    expect(ran.stdout).toBe('first\nsecond\n');
    expect(ran.stderr).toBe('oops\n');
    expect(seen[0]).toBeLessThan(ran.durationMs - 500);
  });

  it('streams 200 MB of output intact', async () => {
    const ssh = transport();
    const size = 200 * 1024 * 1024;
    const remote = createHash('sha256');
    let received = 0;
    const result = await ssh.exec({
      target: { kind: 'host', host: hostOf(lab) },
      command: { kind: 'script', script: `yes fieldbook-output-line | head -c ${size}`, shell: 'bash' },
      onStdout: (chunk) => {
        received += chunk.length;
        remote.update(chunk);
      },
      onStderr: () => undefined,
    });
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(received).toBe(size);
    const line = Buffer.from('fieldbook-output-line\n');
    const expected = createHash('sha256');
    const block = Buffer.concat(Array(4096).fill(line));
    for (let left = size; left > 0; left -= block.length) expected.update(block.subarray(0, Math.min(block.length, left)));
    expect(remote.digest('hex')).toBe(expected.digest('hex'));
  });

  it('uploads a small file over the same connection, atomically and with the given mode', async () => {
    const ssh = transport();
    const path = `/tmp/fieldbook-upload-${process.pid}.sh`;
    onTestFinished(() => rmSync(path, { force: true }));
    expect((await runScript(ssh, hostOf(lab), 'true')).outcome.kind).toBe('exited');
    await ssh.upload(hostOf(lab), path, '#!/bin/sh\necho helper "$@"\n', { mode: '0750' });
    expect(statSync(path).mode & 0o777).toBe(0o750);
    expect((await runScript(ssh, hostOf(lab), `${path} works`)).stdout).toBe('helper works\n');
    expect(ssh.connectionsOpened()).toBe(1);
    await expect(ssh.upload(hostOf(lab), '/nonexistent-dir/x', 'x')).rejects.toMatchObject({
      message: expect.stringContaining('cannot write /nonexistent-dir/x'),
      details: { phase: 'exec' },
    });
  });

  it('reuses one connection for every step on a host', async () => {
    const ssh = transport();
    const before = lab.connectionCount();
    for (let i = 0; i < 5; i++) expect((await runScript(ssh, hostOf(lab), 'true')).outcome.kind).toBe('exited');
    await Promise.all([1, 2, 3].map(() => runScript(ssh, hostOf(lab), 'true')));
    expect(ssh.connectionsOpened()).toBe(1);
    expect(lab.connectionCount() - before).toBe(1);
  });

  it('queues 30 concurrent steps on one host instead of failing (default limit 8 < MaxSessions 10)', async () => {
    const ssh = transport();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => runScript(ssh, hostOf(lab), `sleep 0.2; echo ${i}`)),
    );
    results.forEach((r, i) => {
      expect(r.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(r.stdout).toBe(`${i}\n`);
    });
    expect(ssh.connectionsOpened()).toBe(1);
  });

  it('never shows the script in the remote process list', async () => {
    const ssh = transport();
    const marker = `fieldbook-secret-marker-${process.pid}`;
    const running = runScript(ssh, hostOf(lab), `echo ready; sleep 1.5 # ${marker}\necho "${marker}" >/dev/null`, {});
    // Wait until the script is running, then look at every process's argv on the machine.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const ps = execFileSync('ps', ['-eo', 'user:32,args', '--no-headers'], { encoding: 'utf8' });
    expect(ps).toMatch(/fieldbook-test .*sleep 1\.5/);
    expect(ps).not.toContain(marker);
    expect((await running).outcome).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it('kills a command that runs past its timeout, with its children', async () => {
    const ssh = transport();
    const marker = `timeout-${process.pid}-${Date.now()}`;
    const ran = await runScript(ssh, hostOf(lab), `sleep 30 &\nsleep 31; echo never # ${marker}`, { timeoutMs: 500, env: { MARK: marker } });
    expect(ran.outcome).toEqual({ kind: 'timeout' });
    expect(ran.durationMs).toBeLessThan(5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(execFileSync('ps', ['-u', lab.user, '-o', 'args', '--no-headers'], { encoding: 'utf8' })).not.toMatch(/sleep 3[01]/);
  });

  it('cancels a running command when the signal aborts', async () => {
    const ssh = transport();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const ran = await runScript(ssh, hostOf(lab), 'sleep 20', { signal: controller.signal });
    expect(ran.outcome).toEqual({ kind: 'cancelled' });
    expect(ran.durationMs).toBeLessThan(5_000);
  });
});

describe('ssh exec against servers with few sessions', () => {
  let lab: SshdLab;
  let closed: SshdLab;
  beforeAll(async () => {
    [lab, closed] = await Promise.all([startSshd({ maxSessions: 3 }), startSshd({ maxSessions: 0 })]);
  });
  afterAll(async () => {
    await Promise.all([lab?.stop(), closed?.stop()]);
  });

  it('queues work above the channel limit', async () => {
    const { transport } = labTransport([lab], { maxChannels: 2 });
    const results = await Promise.all(Array.from({ length: 12 }, () => runScript(transport, hostOf(lab), 'sleep 0.1')));
    expect(results.map((r) => r.outcome.kind)).toEqual(Array(12).fill('exited'));
  });

  it('still completes every step when the limit is above the server MaxSessions', async () => {
    const { transport } = labTransport([lab], { maxChannels: 6 });
    const results = await Promise.all(Array.from({ length: 6 }, () => runScript(transport, hostOf(lab), 'sleep 0.3')));
    expect(results.map((r) => r.outcome.kind)).toEqual(Array(6).fill('exited'));
  });

  it('reports a refusal, saying why, when the server allows no sessions at all', async () => {
    const { transport } = labTransport([closed]);
    const ran = await runScript(transport, hostOf(closed), 'true');
    expect(ran.outcome).toEqual({ kind: 'refused', reason: expect.stringMatching(/cannot start a session: .*open failure.*MaxSessions/i) });
    expect(ran.outcome).toMatchObject({ reason: expect.stringContaining(`lab-${closed.port} (${closed.user}@${closed.host}:${closed.port})`) });
  });
});

describe('ssh exec on several hosts', () => {
  let labs: SshdLab[] = [];
  beforeAll(async () => {
    labs = await Promise.all([startSshd(), startSshd(), startSshd()]);
  });
  afterAll(async () => {
    await Promise.all(labs.map((lab) => lab.stop()));
  });

  it('keeps one connection per host across three hosts at distinct 127.0.0.x addresses', async () => {
    expect(new Set(labs.map((lab) => lab.host)).size).toBe(3);
    const { transport } = labTransport(labs);
    const rounds = await Promise.all(
      [1, 2, 3].flatMap(() => labs.map((lab) => runScript(transport, hostOf(lab), 'echo "$SSH_CONNECTION"'))),
    );
    rounds.forEach((ran, i) => {
      const lab = labs[i % 3]!;
      expect(ran.stdout.trim().split(' ').slice(2)).toEqual([lab.host, String(lab.port)]);
    });
    expect(transport.connectionsOpened()).toBe(3);
  });
});
