import { readJournal } from '../journal/journal-file.js';
import type { JournalEvent } from '../journal/events.js';
import { readLock } from '../journal/lock.js';
import type { RunPaths } from '../journal/run-dir.js';
import { replay, unknownUnits, type RunState } from '../journal/state.js';

/** A run's state as `runs` and `show` report it: the journal's word, corrected by whether its driver lives. */
export interface RunSummary {
  state: RunState;
  /** running (a live process holds it), paused, crashed (started, holder gone), succeeded, failed, abandoned. */
  condition: 'running' | 'paused' | 'crashed' | 'succeeded' | 'failed' | 'abandoned';
  holder?: string;
  tornTail: boolean;
}

export async function summarizeRun(paths: RunPaths): Promise<RunSummary> {
  const { events, tornTail } = await readJournal(paths.journal);
  const state = replay(events as JournalEvent[]);
  const lock = await readLock(paths.lock);
  const live = lock.state === 'held' && lock.holder && lock.alive !== 'no';
  const holder = lock.state === 'held' ? `pid ${lock.holder.pid} on ${lock.holder.hostname} (${lock.holder.user})` : undefined;
  let condition: RunSummary['condition'];
  if (state.status === 'succeeded' || state.status === 'failed' || state.status === 'abandoned') condition = state.status;
  else if (live) condition = 'running';
  else if (state.status === 'paused') condition = 'paused';
  else condition = 'crashed';
  return { state, condition, ...(holder ? { holder } : {}), tornTail: tornTail !== undefined };
}

/** A live run not finished: it holds its site until it is resumed to its end or abandoned. */
export function isOpen(summary: RunSummary): boolean {
  return summary.state.mode === 'live' && (summary.condition === 'running' || summary.condition === 'paused' || summary.condition === 'crashed');
}

/** One line about what a stopped run waits for. */
export function waitingText(summary: RunSummary): string | undefined {
  if (summary.condition === 'crashed') {
    const unknown = unknownUnits(summary.state);
    return `crashed${unknown.length ? `; outcome unknown for ${unknown.map((u) => `${u.key.step}${u.key.target === 'local' ? '' : `@${u.key.target}`}`).join(', ')}` : ''}`;
  }
  if (summary.condition === 'abandoned' && summary.state.abandoned) {
    const { by, at, reason } = summary.state.abandoned;
    return `abandoned by ${by.user}@${by.host} at ${at}: ${reason}`;
  }
  if (summary.condition === 'paused') return `paused (${summary.state.pausedFor ?? 'stopped'})${summary.state.waiting?.length ? `: ${summary.state.waiting.join('; ')}` : ''}`;
  return undefined;
}
