import type { EngineEvent } from '../engine/events.js';
import type { TimedEvent } from './replay-events.js';

/** What the person watching controls while a replay plays; changed by keys, read by the player. */
export interface ReplayControls {
  /** Run time per wall time: 2 plays twice as fast. */
  speed: number;
  paused: boolean;
  /** Show everything left at once. */
  toEnd: boolean;
  quit: boolean;
}

export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128] as const;

/** The next speed up (+1) or down (-1) in SPEEDS. */
export function nextSpeed(speed: number, direction: 1 | -1): number {
  const at = SPEEDS.findIndex((s) => s >= speed);
  const index = Math.min(SPEEDS.length - 1, Math.max(0, (at === -1 ? SPEEDS.length - 1 : at) + direction));
  return SPEEDS[index]!;
}

export interface PlayOptions {
  /** Idle stretches longer than this (run time) are played as this long: nobody watches a night go by. */
  maxGapMs: number;
  deliver(event: EngineEvent): void;
  /** Called a few times a second with where the replay is, in run time (ms since the epoch). */
  progress?(at: number): void;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Play one session's events at their journal times, scaled by `controls.speed`; resolves at its end or on quit. */
export async function playSession(events: readonly TimedEvent[], controls: ReplayControls, options: PlayOptions): Promise<void> {
  if (events.length === 0) return;
  // Play time: run time with long idle gaps cut down to maxGapMs.
  const playAt: number[] = [];
  let previous = events[0]!.at;
  let cursor = 0;
  for (const { at } of events) {
    cursor += Math.min(Math.max(0, at - previous), options.maxGapMs);
    playAt.push(cursor);
    previous = at;
  }
  let position = 0;
  let lastWall = options.now();
  let index = 0;
  let lastProgress = -Infinity;
  let shown = '';
  while (index < events.length && !controls.quit) {
    const wall = options.now();
    if (!controls.paused) position += (wall - lastWall) * controls.speed;
    lastWall = wall;
    if (controls.toEnd) position = Infinity;
    while (index < events.length && playAt[index]! <= position) options.deliver(events[index++]!.event);
    if (index >= events.length) break;
    // Show a key's effect at once; otherwise a few times a second.
    const controlsNow = `${controls.speed}/${controls.paused}`;
    if (wall - lastProgress >= 200 || controlsNow !== shown) {
      shown = controlsNow;
      lastProgress = wall;
      const i = Math.max(0, index - 1);
      options.progress?.(events[i]!.at + Math.max(0, Math.min(position, playAt[index]!) - playAt[i]!));
    }
    const wait = controls.paused ? 100 : Math.min(100, Math.max(5, (playAt[index]! - position) / controls.speed));
    await options.sleep(wait);
  }
  options.progress?.(events[Math.min(index, events.length) - 1]?.at ?? events[0]!.at);
}
