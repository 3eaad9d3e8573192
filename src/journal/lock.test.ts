import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LockHeldError, acquireLock, breakLock, currentHolder, readLock, type LockHolder } from './lock.js';

async function tempLock(): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdirBase(), 'fieldbook-lock-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return { dir, path: join(dir, 'lock') };
}

function tmpdirBase(): string {
  return process.env['TMPDIR'] ?? '/tmp';
}

/** A live process whose pid we can name as a holder; killed when the test ends. */
function liveChild(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  if (child.pid === undefined) throw new Error('could not spawn sleep');
  return child.pid;
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  await once(child, 'exit');
  if (pid === undefined) throw new Error('could not spawn node');
  return pid;
}

/** The pid of a zombie: a child that exited but whose parent (an exec'd sleep) never reaps it. */
async function zombiePid(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  onTestFinished(() => {
    parent.kill('SIGKILL');
  });
  const [chunk] = (await once(parent.stdout!, 'data')) as [Buffer];
  await new Promise((resolve) => setTimeout(resolve, 300));
  return Number(chunk.toString().trim());
}

function holder(overrides: Partial<LockHolder> = {}): LockHolder {
  return { ...currentHolder('fieldbook run wipe.yaml --site acme.yaml'), ...overrides };
}

async function refusal(promise: Promise<unknown>): Promise<LockHeldError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LockHeldError);
  expect(error).toMatchObject({ code: 'lock-held' });
  return error as LockHeldError;
}

describe('acquireLock', () => {
  it('creates the lock with the holder as JSON, and release removes it', async () => {
    const { dir, path } = await tempLock();
    const me = holder();
    const lock = await acquireLock(path, me, { takeOverStale: true });
    expect(lock.tookOverFrom).toBeUndefined();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(me);
    expect(await readLock(path)).toEqual({ state: 'held', holder: me, alive: 'yes' });
    expect(await lock.release()).toBe(true);
    expect(await readLock(path)).toEqual({ state: 'free' });
    expect(await readdir(dir)).toEqual([]); // no temporary files left behind
    expect(await lock.release()).toBe(false);
  });

  it('refuses while a live process on this host holds it, saying who and how to break it', async () => {
    const { path } = await tempLock();
    const pid = liveChild();
    const other = holder({ pid, user: 'alice', startedAt: '2025-03-01T09:00:00.000Z', command: 'fieldbook resume r1' });
    await writeFile(path, JSON.stringify(other));
    const error = await refusal(acquireLock(path, holder(), { takeOverStale: true, unlockCommand: 'fieldbook unlock r1' }));
    expect(error.refusal).toBe('live');
    expect(error.holder).toEqual(other);
    expect(error.message).toContain(`pid ${pid} (alice@${hostname()}) since 2025-03-01T09:00:00.000Z`);
    expect(error.message).toContain('fieldbook resume r1');
    expect(error.message).toContain('still running');
    expect(error.message).toContain('`fieldbook unlock r1`');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(other); // untouched
  });

  it('takes over a stale lock (dead pid on this host) and reports whose it was', async () => {
    const { dir, path } = await tempLock();
    const stale = holder({ pid: await deadPid(), startedAt: '2025-03-01T09:00:00.000Z' });
    await writeFile(path, JSON.stringify(stale));
    expect(await readLock(path)).toMatchObject({ state: 'held', alive: 'no' });
    const me = holder();
    const lock = await acquireLock(path, me, { takeOverStale: true });
    expect(lock.tookOverFrom).toEqual(stale);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(me);
    expect((await readdir(dir)).sort()).toEqual(['lock']); // no guard or temporary file left
  });

  it('treats a zombie holder (killed, not yet reaped) as dead and takes its lock over', async () => {
    const { path } = await tempLock();
    const zombie = holder({ pid: await zombiePid() });
    expect(() => process.kill(zombie.pid, 0)).not.toThrow(); // kill(0) alone would call it alive
    await writeFile(path, JSON.stringify(zombie));
    expect(await readLock(path)).toMatchObject({ state: 'held', alive: 'no' });
    expect((await acquireLock(path, holder(), { takeOverStale: true })).tookOverFrom).toEqual(zombie);
  });

  it('refuses a stale lock when not allowed to take it over, and says it is stale', async () => {
    const { path } = await tempLock();
    await writeFile(path, JSON.stringify(holder({ pid: await deadPid() })));
    const error = await refusal(acquireLock(path, holder(), { takeOverStale: false }));
    expect(error.refusal).toBe('stale');
    expect(error.message).toMatch(/no longer running.*`fieldbook unlock <run>`/);
  });

  it('refuses a holder on another host even when its pid is dead here', async () => {
    const { path } = await tempLock();
    const other = holder({ pid: await deadPid(), hostname: `not-${hostname()}`, user: 'bob' });
    await writeFile(path, JSON.stringify(other));
    const error = await refusal(acquireLock(path, holder(), { takeOverStale: true }));
    expect(error.refusal).toBe('other-host');
    expect(error.message).toContain(`(bob@not-${hostname()})`);
    expect(error.message).toContain('another host');
    expect(error.message).toContain('fieldbook unlock <run>');
  });

  it('refuses an unreadable lock file with the break advice', async () => {
    const { path } = await tempLock();
    for (const body of ['', '{"pid":', '{"pid":"x"}']) {
      await writeFile(path, body);
      const error = await refusal(acquireLock(path, holder(), { takeOverStale: true }));
      expect(error.refusal).toBe('unreadable');
      expect(error.holder).toBeUndefined();
      expect(error.message).toMatch(/not a readable lock \(.+\); if no fieldbook process is using it, break it with `fieldbook unlock <run>`/);
      expect(await readFile(path, 'utf8')).toBe(body);
    }
  });

  it('a second acquisition in the same process is refused: the holder is alive', async () => {
    const { path } = await tempLock();
    await acquireLock(path, holder(), { takeOverStale: true });
    expect((await refusal(acquireLock(path, holder(), { takeOverStale: true }))).refusal).toBe('live');
  });

  it('of many concurrent takeovers of one stale lock exactly one wins', async () => {
    const { path } = await tempLock();
    await writeFile(path, JSON.stringify(holder({ pid: await deadPid() })));
    const contenders = Array.from({ length: 8 }, (_, n) => holder({ startedAt: `2025-01-01T00:00:0${n}.000Z` }));
    const results = await Promise.allSettled(contenders.map((h) => acquireLock(path, h, { takeOverStale: true })));
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const onDisk = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
    expect(winners[0]?.status === 'fulfilled' && winners[0].value.holder).toEqual(onDisk);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(LockHeldError);
  });
});

describe('release and breakLock', () => {
  it('release leaves a lock that is no longer ours', async () => {
    const { path } = await tempLock();
    const lock = await acquireLock(path, holder(), { takeOverStale: true });
    const successor = holder({ startedAt: '2099-01-01T00:00:00.000Z' });
    await writeFile(path, JSON.stringify(successor)); // broken and re-taken by someone else meanwhile
    expect(await lock.release()).toBe(false);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(successor);
  });

  it('breakLock removes any lock, live or unreadable, and returns who held it', async () => {
    const { path } = await tempLock();
    const live = holder({ pid: liveChild() });
    await writeFile(path, JSON.stringify(live));
    expect(await breakLock(path)).toEqual(live);
    expect(await readLock(path)).toEqual({ state: 'free' });
    await writeFile(path, 'garbage');
    expect(await breakLock(path)).toBeUndefined();
    expect(await readLock(path)).toEqual({ state: 'free' });
    expect(await breakLock(path)).toBeUndefined(); // nothing to break is fine
  });
});
