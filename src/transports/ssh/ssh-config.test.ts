import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import SSHConfig from 'ssh-config';
import { endpointKey, expandPath, parseProxyJump, resolveEndpoint } from './ssh-config.js';

const context = (text: string) => ({ config: SSHConfig.parse(text), homeDir: '/home/op', defaultUser: 'op' });

describe('ssh config resolution', () => {
  it('parses ProxyJump lists, URIs, bracketed addresses and none', () => {
    expect(parseProxyJump('admin@bastion:2200,ssh://root@[fe80::1]:22,plain')).toEqual([
      { name: 'bastion', address: 'bastion', user: 'admin', port: 2200 },
      { name: 'fe80::1', address: 'fe80::1', user: 'root', port: 22 },
      { name: 'plain', address: 'plain' },
    ]);
    expect(parseProxyJump('none')).toEqual([]);
    expect(() => parseProxyJump('user@:12')).toThrow(/cannot parse ProxyJump/);
  });

  it('expands ~ and %d %r %h %p %% in identity paths', () => {
    expect(expandPath('~/.ssh/id_%r@%h:%p%%', { homeDir: '/home/op', user: 'root', host: 'h', port: 22 })).toBe('/home/op/.ssh/id_root@h:22%');
  });

  it('expands %u to the local user and %r to the remote one in configured identity files', () => {
    const ctx = { ...context('Host cp1\n  User admin\n  IdentityFile ~/.ssh/%u-to-%r\n'), localUser: 'field' };
    expect(resolveEndpoint({ name: 'cp1', address: 'cp1' }, ctx).identityFiles).toEqual(['/home/op/.ssh/field-to-admin']);
  });

  it('lets the site win, fills gaps from the config, and never runs Match exec', () => {
    const ctx = context(['Match exec "touch /tmp/fieldbook-must-not-exist"', '  User evil', 'Host cp1', '  HostName 10.0.0.1', '  User admin', '  Port 2222', ''].join('\n'));
    expect(resolveEndpoint({ name: 'cp1', address: 'cp1' }, ctx)).toMatchObject({ address: '10.0.0.1', user: 'admin', port: 2222 });
    expect(resolveEndpoint({ name: 'cp1', address: 'cp1', user: 'root', port: 22 }, ctx)).toMatchObject({ user: 'root', port: 22 });
    expect(resolveEndpoint({ name: 'x', address: 'other' }, ctx)).toMatchObject({ address: 'other', user: 'op', port: 22, identityFiles: [] });
    expect(existsSync('/tmp/fieldbook-must-not-exist')).toBe(false);
  });

  it('prefers the site jump chain over ProxyJump and keys connections by route', () => {
    const ctx = context('Host cp1\n  ProxyJump cfg-bastion\n');
    const viaSite = resolveEndpoint({ name: 'cp1', address: 'cp1', jump: [{ name: 'a', address: 'a' }, { name: 'b', address: 'b' }] }, ctx);
    expect(endpointKey(viaSite)).toBe('op@a:22>op@b:22>op@cp1:22');
    expect(endpointKey(resolveEndpoint({ name: 'cp1', address: 'cp1' }, ctx))).toBe('op@cfg-bastion:22>op@cp1:22');
  });

  it('refuses a ProxyJump loop', () => {
    expect(() => resolveEndpoint({ name: 'a', address: 'a' }, context('Host a\n  ProxyJump a\n'))).toThrow(/longer than 8 hops/);
  });
});
