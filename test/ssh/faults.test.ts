import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { hostOf, labTransport, runScript } from './helpers.js';

/** Resolves once `text` has appeared in what `collect` gathered. */
function waitForOutput(read: () => string, text: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (read().includes(text)) return resolve();
      if (Date.now() > deadline) return reject(new Error(`"${text}" did not appear`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('ssh faults', () => {
  let lab: SshdLab;
  beforeAll(async () => {
    lab = await startSshd();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  const isolated = (options: Parameters<typeof labTransport>[1] = {}) => labTransport([lab], options).transport;

  it('reports outcome unknown, never success, when sshd dies mid-command; reconnects once it is back', async () => {
    const ssh = isolated();
    let out = '';
    const running = runScript(ssh, hostOf(lab), 'echo started; sleep 20; echo finished', { onStdout: (t) => (out += t) });
    await waitForOutput(() => out, 'started');
    await lab.kill();
    const ran = await running;
    expect(ran.outcome.kind).toBe('unknown');
    expect(ran.outcome).toMatchObject({ reason: expect.stringContaining('connection') });
    expect(ran.stdout).toBe('started\n');
    await expect(runScript(ssh, hostOf(lab), 'true')).rejects.toMatchObject({
      message: expect.stringContaining('connection refused'),
      details: { phase: 'connect', address: `${lab.host}:${lab.port}`, hint: expect.stringContaining('is sshd running') },
    });

    await lab.start();
    expect((await runScript(ssh, hostOf(lab), 'echo again')).stdout).toBe('again\n');
    expect(ssh.connectionsOpened()).toBe(2);
  });

  it('reports outcome unknown when the connection drops while sshd stays up', async () => {
    const ssh = isolated();
    let out = '';
    const running = runScript(ssh, hostOf(lab), 'echo started; sleep 20', { onStdout: (t) => (out += t) });
    await waitForOutput(() => out, 'started');
    lab.dropConnections();
    expect((await running).outcome.kind).toBe('unknown');
  });

  it('notices a peer that stops answering through keepalives', async () => {
    const ssh = isolated({ keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    let out = '';
    const running = runScript(ssh, hostOf(lab), 'echo started; sleep 20', { onStdout: (t) => (out += t) });
    await waitForOutput(() => out, 'started');
    const thaw = lab.freezeConnections();
    onTestFinished(() => {
      thaw();
      lab.dropConnections();
    });
    const ran = await running;
    expect(ran.outcome).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('Keepalive timeout') });
    expect(ran.durationMs).toBeLessThan(5_000);
  });

  it('reports a killed session process as signalled, not as success', async () => {
    const ssh = isolated();
    let out = '';
    const marker = `fieldbook-victim-${process.pid}`;
    const running = runScript(ssh, hostOf(lab), `echo started; exec -a ${marker} sleep 20`, { onStdout: (t) => (out += t) });
    await waitForOutput(() => out, 'started');
    await new Promise((r) => setTimeout(r, 100));
    execFileSync('pkill', ['-KILL', '-u', lab.user, '-f', marker]);
    expect((await running).outcome).toEqual({ kind: 'signalled', signal: 'SIGKILL' });
  });

  it('reconnects by itself when the warm connection died between steps', async () => {
    const ssh = isolated();
    expect((await runScript(ssh, hostOf(lab), 'true')).outcome.kind).toBe('exited');
    lab.dropConnections();
    await new Promise((r) => setTimeout(r, 100));
    expect((await runScript(ssh, hostOf(lab), 'echo fine')).stdout).toBe('fine\n');
    expect(ssh.connectionsOpened()).toBe(2);
  });
});
