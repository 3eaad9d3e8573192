import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hashHostName } from '../../src/transports/ssh/known-hosts.js';
import type { UnknownHostKey } from '../../src/transports/ssh/index.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { hostOf, labTransport, runScript } from './helpers.js';

describe('ssh host keys', () => {
  let lab: SshdLab;
  let other: SshdLab;
  beforeAll(async () => {
    [lab, other] = await Promise.all([startSshd(), startSshd({ hostKeyType: 'ecdsa' })]);
  });
  afterAll(async () => {
    await Promise.all([lab?.stop(), other?.stop()]);
  });

  const isolated = labTransport;

  /** A file the script would create: proof that nothing ran on a refused host. */
  function canary(): string {
    const path = `/tmp/fieldbook-canary-${process.pid}-${Math.random().toString(36).slice(2)}`;
    onTestFinished(() => void import('node:fs').then((fs) => fs.rmSync(path, { force: true })));
    return path;
  }

  it('refuses an unknown host key with its fingerprint, runs nothing, and records nothing', async () => {
    const { transport, knownHostsPath } = isolated([]);
    const file = canary();
    await expect(runScript(transport, hostOf(lab), `touch ${file}`)).rejects.toMatchObject({
      message: expect.stringContaining(`unknown host key ssh-ed25519 ${lab.hostKeyFingerprint}`),
      details: { phase: 'host-key', hint: expect.stringContaining(`--accept-host-key lab-${lab.port}=${lab.hostKeyFingerprint}`) },
    });
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(knownHostsPath, 'utf8')).toBe('');
  });

  it('accepts an unknown key when the operator says yes, records it, and trusts it next time', async () => {
    const asked: UnknownHostKey[] = [];
    const { transport, knownHostsPath, dir } = isolated([], { acceptHostKey: (key) => (asked.push(key), true) });
    expect((await runScript(transport, hostOf(lab), 'true')).outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(asked).toEqual([
      {
        host: `lab-${lab.port}`,
        address: lab.host,
        port: lab.port,
        knownHostsName: `[${lab.host}]:${lab.port}`,
        keyType: 'ssh-ed25519',
        fingerprint: lab.hostKeyFingerprint,
      },
    ]);
    expect(readFileSync(knownHostsPath, 'utf8').trim()).toBe(lab.knownHostsLine);
    // A second transport (a later run) with no way to accept anything connects on the recorded key.
    const later = isolated([], { knownHostsPath, homeDir: dir });
    expect((await runScript(later.transport, hostOf(lab), 'true')).outcome.kind).toBe('exited');
  });

  it('refuses when the operator says no', async () => {
    const { transport } = isolated([], { acceptHostKey: () => false });
    await expect(runScript(transport, hostOf(lab), 'true')).rejects.toMatchObject({ details: { phase: 'host-key' } });
  });

  it('accepts a fingerprint given up front (--accept-host-key), by host name, and refuses a wrong one', async () => {
    const good = isolated([], { acceptedHostKeys: { [`lab-${lab.port}`]: lab.hostKeyFingerprint } });
    expect((await runScript(good.transport, hostOf(lab), 'true')).outcome.kind).toBe('exited');
    expect(readFileSync(good.knownHostsPath, 'utf8')).toContain(lab.knownHostsLine);

    const wrong = isolated([], { acceptedHostKeys: { [lab.host]: other.hostKeyFingerprint } });
    await expect(runScript(wrong.transport, hostOf(lab), 'true')).rejects.toMatchObject({
      message: expect.stringContaining(`presents host key ${lab.hostKeyFingerprint}, not the accepted ${other.hostKeyFingerprint}`),
      details: { phase: 'host-key' },
    });
  });

  it('fails closed on a changed key, naming both fingerprints, even with an accept callback', async () => {
    // known_hosts says this address:port has the other lab's key.
    const impostor = other.knownHostsLine.replace(/^\S+/, `[${lab.host}]:${lab.port}`);
    const { transport, knownHostsPath } = isolated([], { acceptHostKey: () => true, acceptedHostKeys: { [lab.host]: lab.hostKeyFingerprint } });
    writeFileSync(knownHostsPath, `${impostor}\n`);
    const file = canary();
    const error = await runScript(transport, hostOf(lab), `touch ${file}`).catch((e: unknown) => e);
    expect(error).toMatchObject({ details: { phase: 'host-key', hint: expect.stringContaining(`ssh-keygen -R '[${lab.host}]:${lab.port}'`) } });
    expect(String((error as Error).message)).toContain('HOST KEY CHANGED');
    expect(String((error as Error).message)).toContain(lab.hostKeyFingerprint);
    expect(String((error as Error).message)).toContain(other.hostKeyFingerprint);
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(knownHostsPath, 'utf8')).toBe(`${impostor}\n`);
  });

  it('trusts hashed entries (|1|salt|hash) and wildcard [host]:port patterns', async () => {
    const [, type, key] = lab.knownHostsLine.split(' ');
    const hashed = isolated([]);
    writeFileSync(hashed.knownHostsPath, `${hashHostName(`[${lab.host}]:${lab.port}`)} ${type} ${key}\n`);
    expect((await runScript(hashed.transport, hostOf(lab), 'true')).outcome.kind).toBe('exited');

    const wildcard = isolated([]);
    writeFileSync(wildcard.knownHostsPath, `# comment\n\n[127.0.0.*]:${lab.port} ${type} ${key}\n`);
    expect((await runScript(wildcard.transport, hostOf(lab), 'true')).outcome.kind).toBe('exited');
  });

  it('refuses a key marked @revoked', async () => {
    const { transport, knownHostsPath } = isolated([lab]);
    const [, type, key] = lab.knownHostsLine.split(' ');
    writeFileSync(knownHostsPath, `${lab.knownHostsLine}\n@revoked * ${type} ${key}\n`);
    await expect(runScript(transport, hostOf(lab), 'true')).rejects.toMatchObject({
      message: expect.stringContaining('@revoked'),
      details: { phase: 'host-key' },
    });
  });

  it('writes hashed entries when asked to', async () => {
    const { transport, knownHostsPath } = isolated([], { acceptHostKey: () => true, hashKnownHosts: true });
    await runScript(transport, hostOf(lab), 'true');
    const line = readFileSync(knownHostsPath, 'utf8').trim();
    expect(line).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
    expect(line).not.toContain(lab.host);
  });
});
