import { readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { z } from 'zod';
import { FieldbookError } from '../errors.js';
import { fsyncDir } from './journal-file.js';

const lockHolderSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  user: z.string(),
  /** ISO 8601. */
  startedAt: z.string(),
  /** The command line that took the lock, for the person reading the refusal. */
  command: z.string(),
});

/** Who holds a lock: enough for a person to find the process, and for fieldbook to tell whether it is alive. */
export type LockHolder = z.infer<typeof lockHolderSchema>;

/** A lock this process holds. */
export interface LockHandle {
  readonly path: string;
  readonly holder: LockHolder;
  /** The dead process whose stale lock was taken over, for the journal. */
  readonly tookOverFrom?: LockHolder;
  /** Remove the lock if it is still ours (same pid, host and start time); false when it no longer was. */
  release(): Promise<boolean>;
  /** Whether the lock file still names us (synchronous: checked before each unit acts). */
  stillHeld(): boolean;
}

/** What is in a lock file: nothing, a holder (and whether it is known to be alive), or something unreadable. */
export type LockState =
  | { state: 'free' }
  | { state: 'held'; holder: LockHolder; alive: 'yes' | 'no' | 'unknown' }
  | { state: 'unreadable'; reason: string };

/** Why a lock was refused. */
export type LockRefusal = 'live' | 'other-host' | 'stale' | 'unreadable' | 'contended';

/** Someone else holds the lock; the message says who, since when, and how to break it. */
export class LockHeldError extends FieldbookError {
  constructor(
    readonly path: string,
    readonly refusal: LockRefusal,
    readonly holder: LockHolder | undefined,
    message: string,
  ) {
    super('lock-held', message);
  }
}

export interface AcquireOptions {
  /** Take over a lock whose holder is a dead process on this host (and report it in `tookOverFrom`). */
  takeOverStale: boolean;
  /**
   * The command that breaks this lock, quoted in refusals.
   * @default 'fieldbook unlock <run>'
   */
  unlockCommand?: string;
}

/** A holder describing this process, started now. */
export function currentHolder(command: string): LockHolder {
  return { pid: process.pid, hostname: hostname(), user: currentUser(), startedAt: new Date().toISOString(), command };
}

/**
 * Take the lock at `path` for `holder`. A lock held by a dead process on this host is stale and, with
 * `takeOverStale`, replaced atomically; a live holder, a holder on another host or an unreadable lock file
 * refuses with a `LockHeldError`.
 */
export async function acquireLock(path: string, holder: LockHolder, opts: AcquireOptions): Promise<LockHandle> {
  const unlock = opts.unlockCommand ?? 'fieldbook unlock <run>';
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(path, holder)) return handle(path, holder, undefined);
    const found = await readLock(path);
    switch (found.state) {
      case 'free':
        continue; // released between our attempt and the read
      case 'unreadable':
        throw new LockHeldError(
          path,
          'unreadable',
          undefined,
          `${path} exists but is not a readable lock (${found.reason}); if no fieldbook process is using it, break it with \`${unlock}\``,
        );
      case 'held':
        break;
    }
    const { holder: other, alive } = found;
    if (alive === 'unknown') throw refuse(path, 'other-host', other, unlock);
    if (alive === 'yes') throw refuse(path, 'live', other, unlock);
    if (!opts.takeOverStale) throw refuse(path, 'stale', other, unlock);
    if (await takeOver(path, other, holder, unlock)) return handle(path, holder, other);
  }
  throw new LockHeldError(path, 'contended', undefined, `${path} changed hands repeatedly: another fieldbook process is taking it right now`);
}

/** Read a lock without touching it: for `runs`, `show` and `unlock`. */
export async function readLock(path: string): Promise<LockState> {
  let body: string;
  try {
    body = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { state: 'free' };
    return { state: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { state: 'unreadable', reason: body === '' ? 'the file is empty' : 'not valid JSON' };
  }
  const parsed = lockHolderSchema.safeParse(json);
  if (!parsed.success) return { state: 'unreadable', reason: 'not a lock holder record' };
  const holder = parsed.data;
  const alive = holder.hostname !== hostname() ? 'unknown' : isAlive(holder.pid) ? 'yes' : 'no';
  return { state: 'held', holder, alive };
}

/** Remove a lock whoever holds it (`fieldbook unlock`); returns the holder it named, if readable. */
export async function breakLock(path: string): Promise<LockHolder | undefined> {
  const found = await readLock(path);
  await rm(path, { force: true });
  await rm(takeoverPath(path), { force: true });
  return found.state === 'held' ? found.holder : undefined;
}

function handle(path: string, holder: LockHolder, tookOverFrom: LockHolder | undefined): LockHandle {
  let ours: number | undefined;
  return {
    path,
    holder,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    async release() {
      const found = await readLock(path);
      if (found.state !== 'held' || !sameHolder(found.holder, holder)) return false;
      await rm(path, { force: true });
      return true;
    },
    stillHeld() {
      // The file is read once; after that its inode says it is the same file (breaking removes it, a new holder
      // makes another): one stat, cheap enough before every journal line.
      const now = statSync(path, { throwIfNoEntry: false })?.ino;
      if (now !== undefined && now === ours) return true;
      try {
        const found = lockHolderSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
        if (!found.success || !sameHolder(found.data, holder)) return false;
        ours = now;
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Replace a stale lock. A short-lived guard file (itself created exclusively) makes sure that of two processes
 * taking over the same stale lock only one succeeds; under it we check that the lock still names the same dead
 * holder, then rename a complete new lock over it. Returns false when the lock changed meanwhile (retry).
 */
async function takeOver(path: string, stale: LockHolder, holder: LockHolder, unlock: string): Promise<boolean> {
  const guard = takeoverPath(path);
  if (!(await createExclusive(guard, holder))) {
    const other = await readLock(guard);
    if (other.state === 'held' && other.alive !== 'no') throw refuse(path, 'contended', other.holder, unlock);
    await rm(guard, { force: true }); // left behind by a takeover that crashed
    return false;
  }
  try {
    const now = await readLock(path);
    if (now.state !== 'held' || !sameHolder(now.holder, stale)) return false;
    const temp = await writeTemp(path, holder);
    try {
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await fsyncDir(dirname(path));
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Create `path` holding `holder` only if it does not exist. The body is written and fsynced in a temporary file
 * that is then hard-linked into place, so a crash can never leave an empty or half-written lock behind.
 */
async function createExclusive(path: string, holder: LockHolder): Promise<boolean> {
  const temp = await writeTemp(path, holder);
  try {
    await link(temp, path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
    return await createWithOpen(path, holder);
  } finally {
    await rm(temp, { force: true });
  }
  await fsyncDir(dirname(path));
  return true;
}

/** Errors of file systems without hard links (some network and FAT mounts). */
const NO_HARD_LINKS = new Set<string | undefined>(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** The fallback: exclusive create, then write; a crash in between leaves an empty lock (reported as unreadable). */
async function createWithOpen(path: string, holder: LockHolder): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await file.writeFile(`${JSON.stringify(holder)}\n`, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await fsyncDir(dirname(path));
  return true;
}

async function writeTemp(path: string, holder: LockHolder): Promise<string> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(temp, 'wx');
  try {
    await file.writeFile(`${JSON.stringify(holder)}\n`, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  return temp;
}

function refuse(path: string, refusal: LockRefusal, holder: LockHolder, unlock: string): LockHeldError {
  const who = `pid ${holder.pid} (${holder.user}@${holder.hostname}) since ${holder.startedAt}, running \`${holder.command}\``;
  const breakIt = `break the lock with \`${unlock}\``;
  const why: Record<LockRefusal, string> = {
    live: `that process is still running; wait for it or stop it, and only if you are sure it no longer drives this run, ${breakIt}`,
    'other-host': `that is another host, so fieldbook cannot tell whether it is still running; if it is not, ${breakIt}`,
    stale: `that process is no longer running (a stale lock); \`fieldbook resume\` takes it over, or ${breakIt}`,
    unreadable: breakIt,
    contended: `that process is taking this lock over right now; try again in a moment, or ${breakIt}`,
  };
  return new LockHeldError(path, refusal, holder, `${path} is held by ${who}: ${why[refusal]}`);
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.pid === b.pid && a.hostname === b.hostname && a.startedAt === b.startedAt;
}

/**
 * `kill(pid, 0)`: ESRCH means dead; EPERM means alive but someone else's. Anything else counts as alive. A zombie
 * (killed, not yet reaped by its parent) answers kill(0) but will never run again: dead.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may hold spaces or parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

function takeoverPath(path: string): string {
  return `${path}.takeover`;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? process.env['USERNAME'] ?? `uid ${process.getuid?.() ?? '?'}`;
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
