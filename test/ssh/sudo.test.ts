import { readFileSync, rmSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { SecretRequest } from '../../src/transports/ssh/index.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { hostOf, labTransport, runScript } from './helpers.js';

describe('ssh become: sudo', () => {
  let lab: SshdLab;
  beforeAll(async () => {
    lab = await startSshd();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  const isolated = (options: Parameters<typeof labTransport>[1] = {}) => labTransport([lab], options).transport;

  const script = 'id -u\necho "env=$GREETING cwd=$PWD"\necho to-stderr >&2\nexit 4\n';

  it('runs as root with the sudo password from askSecret, asked once and only when sudo prompts', async () => {
    const asked: SecretRequest[] = [];
    const ssh = isolated({ askSecret: async (request) => (asked.push(request), lab.password) });
    const host = hostOf(lab, { become: 'sudo' });
    for (let i = 0; i < 2; i++) {
      const ran = await runScript(ssh, host, script, { env: { GREETING: 'hi' }, cwd: '/tmp' });
      expect(ran.outcome).toEqual({ kind: 'exited', exitCode: 4 });
      expect(ran.stdout).toBe('0\nenv=hi cwd=/tmp\n');
      expect(ran.stderr).toBe('to-stderr\n');
    }
    expect(asked.map((r) => r.kind)).toEqual(['sudo-password']);
  });

  it('runs as root without a password where sudoers says NOPASSWD, never sending one', async () => {
    const asked: SecretRequest[] = [];
    const ssh = isolated({ askSecret: async (request) => (asked.push(request), 'not-needed') });
    const ran = await runScript(ssh, hostOf(lab, { user: lab.nopasswdUser, become: 'sudo' }), 'id -u');
    expect(ran).toMatchObject({ outcome: { kind: 'exited', exitCode: 0 }, stdout: '0\n', stderr: '' });
    expect(asked).toEqual([]);
  });

  it('uploads a file as root', async () => {
    const ssh = isolated();
    const path = `/root/fieldbook-upload-${process.pid}`;
    onTestFinished(() => rmSync(path, { force: true }));
    await ssh.upload(hostOf(lab, { user: lab.nopasswdUser, become: 'sudo' }), path, 'secret-ish\n', { mode: '0600' });
    expect(readFileSync(path, 'utf8')).toBe('secret-ish\n');
    expect(statSync(path)).toMatchObject({ uid: 0 });
  });

  it('uses sudo -n when no secret source exists, and reports sudo refusing as a refusal', async () => {
    const ssh = isolated();
    expect((await runScript(ssh, hostOf(lab, { user: lab.nopasswdUser, become: 'sudo' }), 'id -u')).stdout).toBe('0\n');
    const refused = await runScript(ssh, hostOf(lab, { become: 'sudo' }), 'echo ran');
    expect(refused.outcome).toEqual({ kind: 'refused', reason: expect.stringContaining('sudo refused: sudo: a password is required') });
    expect(refused.outcome).toMatchObject({ reason: expect.stringContaining('NOPASSWD') });
    expect(refused.stdout).toBe('');
  });

  it('says so when sudo rejects the password, and asks again next time', async () => {
    const answers = ['wrong-sudo-password', lab.password];
    const ssh = isolated({ askSecret: async () => answers.shift() });
    const host = hostOf(lab, { become: 'sudo' });
    const rejected = await runScript(ssh, host, 'echo ran');
    expect(rejected).toMatchObject({ outcome: { kind: 'refused', reason: expect.stringContaining('sudo rejected the password') }, stdout: '' });
    expect(JSON.stringify(rejected)).not.toContain('wrong-sudo-password');
    expect((await runScript(ssh, host, 'id -u')).stdout).toBe('0\n');
    expect(answers).toEqual([]);
  });
});
