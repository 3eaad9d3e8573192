import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hostOf, labTransport, runScript } from './helpers.js';

describe('ssh jump hosts and ~/.ssh/config', () => {
  let bastion: SshdLab;
  let inner: SshdLab;
  let target: SshdLab;
  beforeAll(async () => {
    [bastion, inner, target] = await Promise.all([
      startSshd({ jumpHost: true }),
      startSshd({ jumpHost: true }),
      startSshd(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([bastion?.stop(), inner?.stop(), target?.stop()]);
  });

  it('reaches a host through a jump host, reusing both connections', async () => {
    const { transport } = labTransport([bastion, target]);
    const host = hostOf(target, { jump: [hostOf(bastion)] });
    const connectsBefore = target.connectionCount();
    const bastionBefore = bastion.connectionCount();
    for (let i = 0; i < 3; i++) expect((await runScript(transport, host, 'whoami')).stdout).toBe('fieldbook-test\n');
    expect(transport.connectionsOpened()).toBe(2);
    expect(target.connectionCount() - connectsBefore).toBe(1);
    expect(bastion.connectionCount() - bastionBefore).toBe(1);
  });

  it('chains two jump hosts, outermost first', async () => {
    const { transport } = labTransport([bastion, inner, target]);
    const innerBefore = inner.connectionCount();
    const host = hostOf(target, { jump: [hostOf(bastion), hostOf(inner)] });
    expect((await runScript(transport, host, 'echo hop')).stdout).toBe('hop\n');
    expect(transport.connectionsOpened()).toBe(3);
    expect(inner.connectionCount() - innerBefore).toBe(1);
  });

  it('refuses to go through a jump host that forwards nothing, saying so', async () => {
    const { transport } = labTransport([target]);
    const host = hostOf(bastion, { jump: [hostOf(target)] });
    await expect(runScript(transport, host, 'true')).rejects.toMatchObject({
      message: expect.stringContaining(`could not open a tunnel to ${bastion.host}:${bastion.port}`),
      details: { phase: 'connect', hint: expect.stringContaining('AllowTcpForwarding') },
    });
  });

  it('honours HostName, User, Port, IdentityFile and ProxyJump from ssh config', async () => {
    const config = join(tempDirForTest(), 'config');
    writeFileSync(
      config,
      [
        'Host target',
        `  HostName ${target.host}`,
        `  Port ${target.port}`,
        `  User ${target.user}`,
        `  IdentityFile ${target.identityFile}`,
        `  ProxyJump ${bastion.user}@bastion-alias:${bastion.port}`,
        'Host bastion-alias',
        `  HostName ${bastion.host}`,
        `  IdentityFile ${bastion.identityFile}`,
        'Host *',
        '  User root',
        '',
      ].join('\n'),
    );
    const viaConfig = labTransport([bastion, target], { sshConfigPath: config, defaultUser: 'nobody-here' });
    const endpoint = await viaConfig.transport.resolve({ name: 'app', address: 'target' });
    expect(endpoint).toMatchObject({
      address: target.host,
      port: target.port,
      user: target.user,
      identityFiles: [target.identityFile],
      via: { address: bastion.host, port: bastion.port, user: bastion.user, identityFiles: [bastion.identityFile] },
    });
    expect((await runScript(viaConfig.transport, { name: 'app', address: 'target' }, 'whoami')).stdout).toBe('fieldbook-test\n');
    expect(viaConfig.transport.connectionsOpened()).toBe(2);
    // Site values win over the config.
    expect(await viaConfig.transport.resolve({ name: 'app', address: 'target', user: 'admin', port: 2222 })).toMatchObject({ user: 'admin', port: 2222 });
  });
});
