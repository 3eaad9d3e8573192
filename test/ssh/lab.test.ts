import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { tempDirForTest } from '../harness/tmp.js';

const run = promisify(execFile);

// The lab itself, checked with the OpenSSH client so a transport bug cannot hide a harness bug (or vice versa).
describe('SSH test lab', () => {
  let lab: SshdLab;
  beforeAll(async () => {
    lab = await startSshd();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  function ssh(knownHosts: string, command: string, user = lab.user) {
    return run('ssh', [
      '-F', '/dev/null', '-i', lab.identityFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
      '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
      '-p', String(lab.port), `${user}@${lab.host}`, command,
    ]);
  }

  it('logs the test user in with the lab key and the advertised host key', async () => {
    const knownHosts = join(tempDirForTest(), 'known_hosts');
    writeFileSync(knownHosts, `${lab.knownHostsLine}\n`);
    const { stdout } = await ssh(knownHosts, 'id -un');
    expect(stdout.trim()).toBe('fieldbook-test');
    expect(lab.connectionCount()).toBeGreaterThanOrEqual(1);
  });

  it('advertises the fingerprint OpenSSH computes', async () => {
    const { stdout } = await run('ssh-keyscan', ['-p', String(lab.port), lab.host]).then(async (scan) => {
      const file = join(tempDirForTest(), 'scan');
      writeFileSync(file, scan.stdout);
      return run('ssh-keygen', ['-lf', file]);
    });
    expect(stdout).toContain(lab.hostKeyFingerprint);
  });
});

describe('SSH test lab: users, sudo and faults', () => {
  let lab: SshdLab;
  let knownHosts: string;
  beforeAll(async () => {
    lab = await startSshd();
    knownHosts = join(lab.dir, 'client', 'known_hosts');
    writeFileSync(knownHosts, `${lab.knownHostsLine}\n`);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  function sshArgs(user: string): string[] {
    return ['-F', '/dev/null', '-i', lab.identityFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
      '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
      '-p', String(lab.port), `${user}@${lab.host}`];
  }

  function ssh(user: string, command: string, input?: string) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        'ssh',
        [...sshArgs(user), command],
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) ?? null : 0, stdout, stderr }),
      );
      child.stdin?.end(input ?? '');
    });
  }

  it('gives fieldbook-test sudo with its password only', async () => {
    expect((await ssh(lab.user, "sudo -S -p '' id -u", `${lab.password}\n`)).stdout.trim()).toBe('0');
    expect((await ssh(lab.user, 'sudo -n id -u')).code).not.toBe(0);
  });

  it('gives fieldbook-test-nopw sudo without a password', async () => {
    expect((await ssh(lab.nopasswdUser, 'sudo -n id -u')).stdout.trim()).toBe('0');
  });

  it('drops a running session on kill() and serves again after start()', async () => {
    const child = spawn('ssh', [...sshArgs(lab.user), 'echo started; sleep 30; echo never'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => out.includes('started'));
    await lab.kill();
    expect(await exited).toBe(255);
    expect(out).toBe('started\n');
    await lab.start();
    expect((await ssh(lab.user, 'echo back')).stdout.trim()).toBe('back');
  });

  it('refuses to run without sshd, naming the package to install', async () => {
    const { requireTools, LAB_TOOLS } = await import('../harness/test-users.js');
    expect(() => requireTools({ ...LAB_TOOLS, sshd: '/nonexistent/sshd' })).toThrow(/apt-get install -y openssh-server/);
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
