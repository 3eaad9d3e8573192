import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One usable line of a known_hosts file. `@cert-authority` lines are skipped: certificates are not supported. */
export interface KnownHostEntry {
  revoked: boolean;
  /** Comma-separated patterns as written (`host`, `[host]:port`, `*.lan`, `!bad`), or one `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  keyBase64: string;
  line: number;
}

/** What known_hosts says about a presented key. */
export type HostKeyStatus =
  | { kind: 'known' }
  | { kind: 'unknown' }
  | { kind: 'changed'; knownFingerprints: string[]; lines: number[] }
  | { kind: 'revoked'; line: number };

/** The name a host is recorded under: `host` on port 22, `[host]:port` otherwise (as OpenSSH does). */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let revoked = false;
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked') return;
      revoked = true;
      fields.shift();
    }
    const [hosts, keyType, keyBase64] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) return;
    entries.push({ revoked, hosts, keyType, keyBase64, line: index + 1 });
  });
  return entries;
}

/** Whether an entry's host field names `name` (plain, wildcard, negated or hashed patterns). */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hosts.startsWith('|1|')) return hashedMatches(entry.hosts, name);
  let matched = false;
  for (const pattern of entry.hosts.split(',')) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** Checks a raw public key blob presented for `name` against the entries, with OpenSSH's precedence. */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyStatus {
  const presented = keyBlob.toString('base64');
  const matching = entries.filter((entry) => entryMatches(entry, name));
  const revoked = matching.find((entry) => entry.revoked && sameKey(entry.keyBase64, presented));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  if (matching.some((entry) => !entry.revoked && sameKey(entry.keyBase64, presented))) return { kind: 'known' };
  const others = matching.filter((entry) => !entry.revoked);
  if (others.length === 0) return { kind: 'unknown' };
  return {
    kind: 'changed',
    knownFingerprints: others.map((entry) => fingerprintOf(Buffer.from(entry.keyBase64, 'base64'))),
    lines: others.map((entry) => entry.line),
  };
}

/** Key types already recorded for `name`, so the handshake can prefer them over a second, unrecorded key. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => !e.revoked && entryMatches(e, name)).map((e) => e.keyType))];
}

/** OpenSSH's `SHA256:<base64, no padding>` fingerprint of a public key blob. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a public key blob (its first SSH string), e.g. `ssh-ed25519`. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

export async function readKnownHosts(path: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Records an accepted key, creating the file (and a 0700 directory) when needed. */
export async function appendKnownHost(
  path: string,
  name: string,
  keyBlob: Buffer,
  options: { hashed?: boolean } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const current = await readFile(path, 'utf8');
    if (current.length > 0 && !current.endsWith('\n')) prefix = '\n';
  } catch {
    // no file yet
  }
  const hosts = options.hashed ? hashHostName(name) : name;
  const line = `${prefix}${hosts} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`;
  await appendFile(path, line, { mode: 0o600 });
}

/** `|1|salt|hash`, the form `HashKnownHosts yes` writes. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

function hashedMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (salt === undefined || hash === undefined) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function sameKey(a: string, b: string): boolean {
  return a.replace(/=+$/, '') === b.replace(/=+$/, '');
}

/** OpenSSH pattern: `*` and `?` wildcards, case-insensitive. */
function globMatches(pattern: string, name: string): boolean {
  const regex = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(name.toLowerCase());
}
