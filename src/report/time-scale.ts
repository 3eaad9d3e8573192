/** A stretch of the run drawn to scale, or a long idle gap drawn as a fixed-width break. */
export interface Segment {
  t0: number;
  t1: number;
  x0: number;
  x1: number;
  broken: boolean;
}

export interface TimeScale {
  x(t: number): number;
  segments: Segment[];
  /** Tick times (ms since epoch) in the drawn-to-scale segments, every `tickMs`. */
  ticks: number[];
  tickMs: number;
}

/** Width of a compressed gap. */
export const BREAK_WIDTH = 28;
/** A gap is compressed when it is at least this long (a few minutes at a prompt stay to scale) ... */
const MIN_BREAK_MS = 5 * 60_000;
/** ... and at least this share of the whole run. */
const MIN_BREAK_SHARE = 0.2;
const NICE_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400].map((s) => s * 1000);

/**
 * Map run time to x between `x0` and `x1`. Busy stretches (`busy`: intervals of attempts and instants of
 * records) are drawn to scale; a long idle gap (a crash resumed the next morning) becomes a break, so that one
 * night does not squash the rest of the run into a line.
 */
export function timeScale(start: number, end: number, busy: readonly [number, number][], x0: number, x1: number, minTickPx = 80): TimeScale {
  const t0 = start;
  const t1 = Math.max(end, t0 + 1, ...busy.map(([, e]) => e));
  const merged: [number, number][] = [];
  for (const [s, e] of [...busy].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const gaps: [number, number][] = [];
  let cursor = t0;
  for (const [s, e] of merged) {
    if (s > cursor) gaps.push([cursor, s]);
    cursor = Math.max(cursor, e);
  }
  if (t1 > cursor) gaps.push([cursor, t1]);
  const span = t1 - t0;
  const breaks = gaps.filter(([s, e]) => e - s >= MIN_BREAK_MS && e - s >= MIN_BREAK_SHARE * span);

  const pieces: { t0: number; t1: number; broken: boolean }[] = [];
  cursor = t0;
  for (const [s, e] of breaks) {
    if (s > cursor) pieces.push({ t0: cursor, t1: s, broken: false });
    pieces.push({ t0: s, t1: e, broken: true });
    cursor = e;
  }
  if (t1 > cursor || pieces.length === 0) pieces.push({ t0: cursor, t1: Math.max(t1, cursor + 1), broken: false });
  const linearMs = pieces.filter((p) => !p.broken).reduce((sum, p) => sum + (p.t1 - p.t0), 0) || 1;
  const linearPx = Math.max(1, x1 - x0 - BREAK_WIDTH * breaks.length);
  const perMs = linearPx / linearMs;
  const segments: Segment[] = [];
  let x = x0;
  for (const piece of pieces) {
    const width = piece.broken ? BREAK_WIDTH : (piece.t1 - piece.t0) * perMs;
    segments.push({ ...piece, x0: x, x1: x + width });
    x += width;
  }

  const tickMs = NICE_STEPS.find((step) => step * perMs >= minTickPx) ?? NICE_STEPS[NICE_STEPS.length - 1]!;
  const ticks: number[] = [];
  for (const segment of segments) {
    if (segment.broken) continue;
    for (let t = t0 + Math.ceil((segment.t0 - t0) / tickMs) * tickMs; t <= segment.t1; t += tickMs) ticks.push(t);
  }
  const scale = (t: number): number => {
    const segment = segments.find((s) => t <= s.t1) ?? segments[segments.length - 1]!;
    if (t <= segment.t0) return segment.x0;
    if (segment.broken) return segment.x0 + ((t - segment.t0) / (segment.t1 - segment.t0)) * (segment.x1 - segment.x0);
    return segment.x0 + (t - segment.t0) * perMs;
  };
  return { x: scale, segments, ticks, tickMs };
}
