import { FieldbookError } from '../errors.js';
import type { NewJournalEvent } from '../journal/events.js';
import { describeHolder, judge, type RemoteHolder } from '../journal/remote-holder.js';
import { plannedHost } from '../plan/targets.js';
import { kubeSettings } from '../plan/render-step.js';
import type { Site } from '../schema/site.js';
import { leaseStore } from '../transports/remote-lock/lease.js';
import { sshDirStore } from '../transports/remote-lock/ssh-dir.js';
import { RemoteLockUnavailable, type RemoteLockStore } from '../transports/remote-lock/store.js';
import type { Transport } from '../schema/transport.js';

/** Which site lock a run holds, as journaled in `remote-lock`: where the rest of the site can see it, or local only. */
export interface SiteLockChoice {
  lock: 'lease' | 'ssh' | 'local';
  where: string;
  /** Why this lock and not the one before it (RBAC refused the Lease), or why local only. */
  note?: string;
}

/** A remote site lock this process holds for a run. */
export interface RemoteLock extends SiteLockChoice {
  lock: 'lease' | 'ssh';
  /** The same run's lock taken back: it was paused, or its process stopped renewing it. */
  tookOverFrom?: RemoteHolder;
  /** False once the lock was lost (another process took it, or it could not be renewed for a lease period). */
  stillHeld(): boolean;
  /** Renew it every sixth of the lease period while a process drives the run. */
  startRenewing(): void;
  /** Keep it for the open run, marked paused (nobody drives it; any machine may resume it). */
  pause(): Promise<void>;
  /** Give it up: the run finished or was abandoned. */
  release(): Promise<void>;
}

export interface RemoteLockOptions {
  site: Site;
  runId: string;
  actor: { user: string; host: string };
  /** Runs kubectl and lock scripts: local, or a host over SSH. */
  transport: Transport;
  kubeCacheDir?: string;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The stores a site's remote lock may live in, in order: its Lease when the site has `kube`, then a lock directory
 * on its first host. Empty when `lock.remote` is off or the site has neither.
 */
export function remoteStores(options: Pick<RemoteLockOptions, 'site' | 'transport' | 'kubeCacheDir' | 'now'>): RemoteLockStore[] {
  const { site } = options;
  if (site.lock?.remote !== 'auto') return [];
  const leaseSeconds = site.lock.leaseSeconds;
  const stores: RemoteLockStore[] = [];
  if (site.kube) {
    const via = site.kube.via;
    stores.push(
      leaseStore({
        transport: options.transport,
        target: via === 'local' ? { kind: 'local' } : plannedHost(site, via).transport,
        where: via === 'local' ? 'this machine' : via,
        kube: kubeSettings(site),
        site: site.metadata.name,
        leaseSeconds,
        ...(options.kubeCacheDir ? { cacheDir: options.kubeCacheDir } : {}),
        ...(options.now ? { now: options.now } : {}),
      }),
    );
  }
  const first = Object.keys(site.hosts)[0];
  if (first !== undefined) {
    const target = plannedHost(site, first).transport;
    if (target.kind === 'host') stores.push(sshDirStore(options.transport, target.host, site.metadata.name));
  }
  return stores;
}

/**
 * Take the site's remote lock for a run (a live `run`, or `resume` of the same run from any machine). RBAC refusing
 * the Lease falls back to the lock directory, and says so; a store that cannot be reached refuses the run (a lock
 * nobody else can see would not hold the site). Returns the local-only choice when there is no remote lock.
 */
export async function takeRemoteLock(options: RemoteLockOptions, unlock: string): Promise<RemoteLock | SiteLockChoice> {
  const { site } = options;
  const stores = remoteStores(options);
  if (stores.length === 0) return { lock: 'local', where: 'this runs directory only', note: site.lock?.remote === 'auto' ? 'the site has neither kube nor hosts' : 'lock.remote is off in the site file' };
  const notes: string[] = [];
  for (const store of stores) {
    try {
      return await acquire(store, options, notes.join('; '), unlock);
    } catch (error) {
      if (!(error instanceof RemoteLockUnavailable)) throw error;
      if (error.why !== 'forbidden') throw new FieldbookError('lock-held', `cannot take the site's lock (${store.where}): ${error.message}; a lock the rest of the site cannot see would not hold it. Fix that, or set lock.remote: off in the site file to hold the site from this runs directory only`);
      notes.push(`RBAC refused the site's Lease (${error.message})`);
    }
  }
  return { lock: 'local', where: 'this runs directory only', note: `${notes.join('; ')}; the site has no host for a lock directory` };
}

async function acquire(store: RemoteLockStore, options: RemoteLockOptions, note: string, unlock: string): Promise<RemoteLock> {
  const now = options.now ?? Date.now;
  const leaseSeconds = options.site.lock?.leaseSeconds ?? 60;
  const holder: RemoteHolder = { runId: options.runId, user: options.actor.user, host: options.actor.host, since: new Date(now()).toISOString(), state: 'active' };
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await store.read();
    const verdict = judge(found, options.runId, leaseSeconds);
    if ('refuse' in verdict) throw refusal(store, found, verdict, leaseSeconds, unlock);
    const wrote = verdict.take === 'create' ? await store.create(holder) : await store.replace(holder, found.version!);
    if (wrote) return handle(store, holder, wrote.version, leaseSeconds, now, note, verdict.from);
  }
  throw new FieldbookError('lock-held', `${store.where} changed hands repeatedly: another machine is taking it right now; try again in a moment`);
}

function refusal(store: RemoteLockStore, found: Awaited<ReturnType<RemoteLockStore['read']>>, verdict: Extract<ReturnType<typeof judge>, { refuse: string }>, leaseSeconds: number, unlock: string): FieldbookError {
  const breakIt = `break it with \`${unlock}\``;
  if (verdict.refuse === 'unreadable') return new FieldbookError('lock-held', `the site's lock ${store.where} is not readable (${verdict.reason}); if no run holds it, ${breakIt}`);
  const holder = verdict.holder!;
  const who = describeHolder(holder, found.state === 'held' ? found.ageSeconds : undefined, leaseSeconds);
  if (verdict.refuse === 'driven') return new FieldbookError('lock-held', `the site's lock ${store.where} is held by ${who}: a process on ${holder.host} is driving this run right now; wait for it to pause, or, if it is gone, ${breakIt} (or wait ${leaseSeconds} s for it to go stale)`);
  return new FieldbookError('lock-held', `the site's lock ${store.where} is held by ${who}; that run is open: go on with it (fieldbook resume ${holder.runId}, on ${holder.host} or anywhere its run directory is, see fieldbook export/import), end it (fieldbook abandon ${holder.runId}), or, if it is gone for good, ${breakIt}`);
}

function handle(store: RemoteLockStore, holder: RemoteHolder, firstVersion: string, leaseSeconds: number, now: () => number, note: string, from: RemoteHolder | undefined): RemoteLock {
  let version = firstVersion;
  let lastRenewed = now();
  let lost = false;
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<unknown> = Promise.resolve();
  const write = (next: RemoteHolder | undefined) => {
    busy = busy.then(async () => {
      if (lost) return;
      try {
        const wrote = await store.replace(next, version);
        if (wrote) {
          version = wrote.version;
          lastRenewed = now();
        } else lost = true; // someone else wrote it: broken, or taken as stale
      } catch {
        // A store out of reach for a moment; past a lease period someone may have taken the lock as stale.
        if (now() - lastRenewed > leaseSeconds * 1000) lost = true;
      }
    });
    return busy;
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    lock: store.kind,
    where: store.where,
    ...(note ? { note } : {}),
    ...(from ? { tookOverFrom: from } : {}),
    stillHeld: () => !lost,
    startRenewing() {
      timer ??= setInterval(() => void write(holder), (leaseSeconds * 1000) / 6);
      timer.unref();
    },
    async pause() {
      stop();
      await write({ ...holder, state: 'paused' });
    },
    async release() {
      stop();
      await write(undefined);
    },
  };
}

/** The journal line saying which site lock a run holds. */
export function siteLockEvent(choice: SiteLockChoice | RemoteLock): NewJournalEvent {
  const from = 'tookOverFrom' in choice ? choice.tookOverFrom : undefined;
  return { type: 'site-lock', lock: choice.lock, where: choice.where, ...(choice.note ? { note: choice.note } : {}), ...(from ? { from } : {}) };
}

/** For a notice: `site lock: Lease … (RBAC refused …)`. */
export function siteLockText(choice: SiteLockChoice | RemoteLock): string {
  const from = 'tookOverFrom' in choice && choice.tookOverFrom ? `; took it back from ${describeHolder(choice.tookOverFrom)}` : '';
  return `site lock: ${choice.lock === 'local' ? 'local only' : choice.where}${choice.note ? ` (${choice.note})` : ''}${from}`;
}

/** Whether a choice is a remote lock this process holds. */
export function isRemote(choice: SiteLockChoice | RemoteLock | undefined): choice is RemoteLock {
  return choice !== undefined && choice.lock !== 'local';
}

/** The site lock a live run holds, with the connections that renew it (closed once it is paused or released). */
export interface HeldSiteLock {
  choice: RemoteLock | SiteLockChoice;
  close(): Promise<void>;
}

/** Let go of a held site lock: kept, marked paused, while the run is open; released when it is not. */
export async function letGo(held: HeldSiteLock | undefined, runStillOpen: boolean): Promise<void> {
  if (!held) return;
  try {
    if (isRemote(held.choice)) await (runStillOpen ? held.choice.pause() : held.choice.release());
  } finally {
    await held.close();
  }
}


/** What `unlock --remote` or `abandon` found and did at one store. */
export type ReleaseOutcome =
  | { store: RemoteLockStore; result: 'free' | 'not-ours' | 'unavailable'; holder?: RemoteHolder; reason?: string }
  | { store: RemoteLockStore; result: 'driven'; holder: RemoteHolder; ageSeconds: number }
  | { store: RemoteLockStore; result: 'released'; holder?: RemoteHolder };

/**
 * Release the site's remote lock at every store that holds it: the lock of run `runId` only (abandon), or
 * whoever's (`unlock --remote`, runId undefined). A holder another process still renews is left alone unless
 * `force`. Every store is tried, so a lock left in a Lease and in a lock directory is cleared in both.
 */
export async function releaseRemote(stores: RemoteLockStore[], runId: string | undefined, leaseSeconds: number, force: boolean): Promise<ReleaseOutcome[]> {
  const outcomes: ReleaseOutcome[] = [];
  for (const store of stores) {
    try {
      outcomes.push(await releaseOne(store, runId, leaseSeconds, force));
    } catch (error) {
      if (!(error instanceof RemoteLockUnavailable)) throw error;
      outcomes.push({ store, result: 'unavailable', reason: error.message });
    }
  }
  return outcomes;
}

/** One store: read, judge, compare-and-swap; read again when a renewal came in between (a holder renews often). */
async function releaseOne(store: RemoteLockStore, runId: string | undefined, leaseSeconds: number, force: boolean): Promise<ReleaseOutcome> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await store.read();
    if (found.state === 'free') return { store, result: 'free' };
    const holder = found.state === 'held' ? found.holder : undefined;
    if (runId !== undefined && holder?.runId !== runId) return { store, result: 'not-ours', ...(holder ? { holder } : {}) };
    if (found.state === 'held' && found.holder.state === 'active' && found.ageSeconds <= leaseSeconds && !force) return { store, result: 'driven', holder: found.holder, ageSeconds: found.ageSeconds };
    if (await store.replace(undefined, found.version)) return { store, result: 'released', ...(holder ? { holder } : {}) };
  }
  return { store, result: 'unavailable', reason: 'it kept changing while being released; try again' };
}
