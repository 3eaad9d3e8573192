import { readJournal } from '../journal/journal-file.js';
import type { JournalEvent } from '../journal/events.js';
import { readLock } from '../journal/lock.js';
import type { RunPaths } from '../journal/run-dir.js';
import { replay, unknownUnits, type RunState } from '../journal/state.js';

/** A run's state as `runs` and `show` report it: the journal's word, corrected by whether its driver lives. */
export interface RunSummary {
  state: RunState;
  /** running (a live process holds it), paused, crashed (started, holder gone), succeeded, failed. */
  condition: 'running' | 'paused' | 'crashed' | 'succeeded' | 'failed';
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
  if (state.status === 'succeeded' || state.status === 'failed') condition = state.status;
  else if (live) condition = 'running';
  else if (state.status === 'paused') condition = 'paused';
  else condition = 'crashed';
  return { state, condition, ...(holder ? { holder } : {}), tornTail: tornTail !== undefined };
}

/** One line about what a stopped run waits for. */
export function waitingText(summary: RunSummary): string | undefined {
  if (summary.condition === 'crashed') {
    const unknown = unknownUnits(summary.state);
    return `crashed${unknown.length ? `; outcome unknown for ${unknown.map((u) => `${u.key.step}${u.key.target === 'local' ? '' : `@${u.key.target}`}`).join(', ')}` : ''}`;
  }
  if (summary.condition === 'paused') return `paused (${summary.state.pausedFor ?? 'stopped'})${summary.state.waiting?.length ? `: ${summary.state.waiting.join('; ')}` : ''}`;
  return undefined;
}
