import { z } from 'zod';

/**
 * Who holds a site's remote lock (a Lease, or a lock directory on a host): the run, not a process, because the
 * lock lasts as long as the run is open, across pauses and machines.
 */
export const remoteHolderSchema = z.object({
  runId: z.string(),
  user: z.string(),
  host: z.string(),
  /** ISO 8601: when this run first took the lock. */
  since: z.string(),
  /** active: a process drives the run and renews the lock; paused: the run is open and nobody drives it. */
  state: z.enum(['active', 'paused']),
});
export type RemoteHolder = z.infer<typeof remoteHolderSchema>;

/** What a store holds: nothing, or a holder and how long ago it was last renewed (in the store's own clock). */
export type RemoteObservation =
  | { state: 'free'; version?: string }
  | { state: 'held'; holder: RemoteHolder; version: string; ageSeconds: number }
  | { state: 'unreadable'; version: string; reason: string };

/** What to do about an observed lock, for a run that wants it. */
export type RemoteVerdict =
  | { take: 'create' | 'replace'; from?: RemoteHolder; stale?: boolean }
  | { refuse: 'other-run' | 'driven' | 'unreadable'; holder?: RemoteHolder; stale: boolean; reason?: string };

/**
 * The rule: a free lock is taken; the same run takes its own lock back when it is paused or stale (not renewed
 * for `leaseSeconds`: the process that drove it died), from any machine; a lock another process renews is
 * refused, and so is any other run's, stale or not (that run is still open: resume or abandon it, or break it).
 */
export function judge(found: RemoteObservation, runId: string, leaseSeconds: number): RemoteVerdict {
  switch (found.state) {
    case 'free':
      return { take: found.version === undefined ? 'create' : 'replace' };
    case 'unreadable':
      return { refuse: 'unreadable', stale: false, reason: found.reason };
    case 'held': {
      const stale = found.ageSeconds > leaseSeconds;
      if (found.holder.runId !== runId) return { refuse: 'other-run', holder: found.holder, stale };
      if (found.holder.state === 'paused' || stale) return { take: 'replace', from: found.holder, stale };
      return { refuse: 'driven', holder: found.holder, stale };
    }
  }
}

/** `run r1 (ana@laptop, since …, paused)`: the holder as a refusal names it. */
export function describeHolder(holder: RemoteHolder, ageSeconds?: number, leaseSeconds?: number): string {
  const stale = ageSeconds !== undefined && leaseSeconds !== undefined && ageSeconds > leaseSeconds;
  const state = holder.state === 'paused' ? 'paused' : stale ? `active but not renewed for ${Math.round(ageSeconds)} s (its process may have died)` : 'active';
  return `run ${holder.runId} (${holder.user}@${holder.host}, since ${holder.since}, ${state})`;
}
