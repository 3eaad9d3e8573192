import { describe, expect, it } from 'vitest';
import { checkHostKey, entryMatches, fingerprintOf, hashHostName, knownHostsName, parseKnownHosts } from './known-hosts.js';

const keyA = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.alloc(36, 1)]);
const keyB = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.alloc(36, 2)]);
const line = (hosts: string, key: Buffer, marker = '') => `${marker}${hosts} ssh-ed25519 ${key.toString('base64')}`;

describe('known_hosts', () => {
  it('names hosts like OpenSSH: bare on port 22, [host]:port otherwise', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches comma lists, wildcards, negations and hashed names', () => {
    const [entry] = parseKnownHosts(line('cp1,10.0.0.*,!10.0.0.9', keyA));
    expect(entryMatches(entry!, '10.0.0.5')).toBe(true);
    expect(entryMatches(entry!, 'CP1')).toBe(true);
    expect(entryMatches(entry!, '10.0.0.9')).toBe(false);
    expect(entryMatches(entry!, '10.0.1.5')).toBe(false);
    const [hashed] = parseKnownHosts(line(hashHostName('[h]:2200'), keyA));
    expect(entryMatches(hashed!, '[h]:2200')).toBe(true);
    expect(entryMatches(hashed!, 'h')).toBe(false);
  });

  it('says known, unknown, changed (with the recorded fingerprints) and revoked', () => {
    const entries = parseKnownHosts(
      ['# comment', line('a', keyA), line('b', keyB), `@cert-authority * ssh-ed25519 ${keyA.toString('base64')}`, line('*', keyB, '@revoked ')].join('\n'),
    );
    expect(checkHostKey(entries, 'a', keyA)).toEqual({ kind: 'known' });
    expect(checkHostKey(entries, 'c', keyA)).toEqual({ kind: 'unknown' });
    expect(checkHostKey(entries, 'a', Buffer.from(keyA).fill(3, 20))).toEqual({
      kind: 'changed',
      knownFingerprints: [fingerprintOf(keyA)],
      lines: [2],
    });
    expect(checkHostKey(entries, 'b', keyB)).toEqual({ kind: 'revoked', line: 5 });
  });
});
