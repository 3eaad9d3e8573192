import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { SecretRequest } from '../../src/transports/ssh/index.js';
import { keygen, startSshd, type SshdLab } from '../harness/sshd.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hostOf, labTransport, runScript } from './helpers.js';

describe('ssh authentication', () => {
  let lab: SshdLab;
  beforeAll(async () => {
    lab = await startSshd({ passwordAuthentication: true });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  const isolated = (options: Parameters<typeof labTransport>[1] = {}) => labTransport([lab], options);

  /** A fresh key pair authorized on the lab. */
  async function authorizedKey(passphrase = ''): Promise<string> {
    const file = join(tempDirForTest(), 'id_ed25519');
    await keygen('ed25519', file, passphrase);
    await lab.authorizeKey(execFileSync('cat', [`${file}.pub`], { encoding: 'utf8' }));
    return file;
  }

  it('logs in with an identity file from the site', async () => {
    const { transport } = isolated();
    const ran = await runScript(transport, hostOf(lab), 'whoami');
    expect(ran.stdout).toBe('fieldbook-test\n');
  });

  it('logs in with a password obtained through askSecret, asked once per host', async () => {
    const asked: SecretRequest[] = [];
    const { transport } = isolated({ askSecret: async (request) => (asked.push(request), lab.password) });
    const host = hostOf(lab, { identityFile: join(tempDirForTest(), 'absent-key') });
    expect((await runScript(transport, host, 'whoami')).stdout).toBe('fieldbook-test\n');
    expect(asked).toEqual([
      { kind: 'password', host: host.name, user: lab.user, prompt: `Password for ${lab.user}@${lab.host}:` },
    ]);
    expect(lab.log()).toMatch(new RegExp(`Accepted password for ${lab.user}`));
  });

  it('decrypts an encrypted identity file with a passphrase from askSecret', async () => {
    const file = await authorizedKey('correct horse');
    const asked: SecretRequest[] = [];
    const { transport } = isolated({
      askSecret: async (request) => {
        asked.push(request);
        return request.kind === 'passphrase' ? 'correct horse' : undefined;
      },
    });
    expect((await runScript(transport, hostOf(lab, { identityFile: file }), 'whoami')).stdout).toBe('fieldbook-test\n');
    expect(asked.map((r) => [r.kind, r.keyFile])).toEqual([['passphrase', file]]);
  });

  it('logs in through a real ssh-agent (SSH_AUTH_SOCK)', async () => {
    const file = await authorizedKey();
    const socket = join(tempDirForTest(), 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    onTestFinished(() => void agent.kill());
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
    execFileSync('ssh-add', ['-q', file], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    const { transport } = isolated({ agentSocket: socket });
    const host = hostOf(lab, { identityFile: join(tempDirForTest(), 'absent-key') });
    expect((await runScript(transport, host, 'whoami')).stdout).toBe('fieldbook-test\n');
    expect(lab.log()).toMatch(/Accepted publickey for fieldbook-test .*ED25519/);
  });

  it('says what it tried when every method fails, never the secret', async () => {
    const { transport } = isolated({ askSecret: async () => 'wrong-password-123' });
    const host = hostOf(lab, { identityFile: join(tempDirForTest(), 'absent-key') });
    const error = await runScript(transport, host, 'true').catch((e: unknown) => e);
    expect(error).toMatchObject({
      details: { phase: 'auth', host: host.name, address: `${lab.host}:${lab.port}`, hint: expect.stringContaining('identity file') },
    });
    expect(String((error as Error).message)).toMatch(/authentication failed \(tried: key .*absent-key \(ENOENT\), password\)/);
    expect(String((error as Error).message)).not.toContain('wrong-password-123');
  });
});
