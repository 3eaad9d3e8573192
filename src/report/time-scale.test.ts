import { describe, expect, it } from 'vitest';
import { BREAK_WIDTH, timeScale } from './time-scale.js';

const S = 1000;
const H = 3600 * S;

describe('timeScale', () => {
  it('draws a short run to scale, with ticks at a readable step', () => {
    const scale = timeScale(0, 10 * S, [[0, 4 * S], [5 * S, 10 * S]], 100, 900);
    expect(scale.segments.every((s) => !s.broken)).toBe(true);
    expect(scale.x(0)).toBe(100);
    expect(scale.x(10 * S)).toBeCloseTo(900);
    expect(scale.x(5 * S)).toBeCloseTo(500);
    expect(scale.tickMs).toBe(1000);
    expect(timeScale(0, 300, [[0, 300]], 0, 800).tickMs).toBe(100);
    expect(scale.ticks[0]).toBe(0);
  });

  it('compresses a night between a crash and the resume into a break, keeping both sides readable', () => {
    const busy: [number, number][] = [[0, 60 * S], [60 * S + 10 * H, 60 * S + 10 * H + 120 * S]];
    const scale = timeScale(0, busy[1]![1], busy, 0, 800);
    const broken = scale.segments.filter((s) => s.broken);
    expect(broken).toHaveLength(1);
    expect(broken[0]!.x1 - broken[0]!.x0).toBe(BREAK_WIDTH);
    // 60 s before and 120 s after share the rest of the width in proportion.
    expect(scale.x(60 * S)).toBeCloseTo((800 - BREAK_WIDTH) / 3);
    expect(scale.x(busy[1]![0])).toBeCloseTo((800 - BREAK_WIDTH) / 3 + BREAK_WIDTH);
    // Monotonic everywhere, and no tick inside the break.
    let last = -1;
    for (let t = 0; t <= busy[1]![1]; t += 600 * S) {
      expect(scale.x(t)).toBeGreaterThanOrEqual(last);
      last = scale.x(t);
    }
    expect(scale.ticks.some((t) => t > 61 * S && t < busy[1]![0])).toBe(false);
  });

  it('leaves short pauses to scale (a confirmation prompt is part of the run)', () => {
    const scale = timeScale(0, 100 * S, [[0, 10 * S], [70 * S, 100 * S]], 0, 1000);
    expect(scale.segments.some((s) => s.broken)).toBe(false);
  });
});
