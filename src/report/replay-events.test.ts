import { describe, expect, it } from 'vitest';
import type { JournalEvent, NewJournalEvent } from '../journal/events.js';
import { replaySessions } from './replay-events.js';
import { nextSpeed, playSession, type ReplayControls } from './replay-player.js';

const by = { user: 'ana', host: 'laptop' };
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const ev = (seconds: number, event: NewJournalEvent): JournalEvent => ({ ...event, at: new Date(T0 + seconds * 1000).toISOString() }) as JournalEvent;
const unit = { step: 'fetch', target: 'cp1' };

const events: JournalEvent[] = [
  ev(0, { type: 'run-started', v: 1, runId: 'r', fieldbook: '0.1.0', mode: 'live', runbook: { name: 'rb', title: 'RB', path: '/rb.yaml', sha256: 'a' }, site: { name: 's', path: '/s.yaml', sha256: 'b' }, params: {}, by, pid: 1 }),
  ev(1, { type: 'step-started', step: 'fetch' }),
  ev(1, { type: 'unit-started', unit, attempt: 1, command: 'fetch' }),
  ev(3, { type: 'unit-finished', unit, attempt: 1, outcome: 'failed', exitCode: 7, reason: 'exit code 7', durationMs: 2000 }),
  ev(5, { type: 'unit-started', unit, attempt: 2, command: 'fetch' }),
  // killed here; resumed an hour later
  ev(3605, { type: 'run-resumed', by, pid: 2, force: false }),
  ev(3606, { type: 'decision', step: 'fetch', unit, decision: 'done', reason: 'checked', by, via: 'flag' }),
  ev(3606, { type: 'step-finished', step: 'fetch', status: 'succeeded', outputs: {} }),
  ev(3607, { type: 'run-finished', status: 'succeeded' }),
];
const log = '# 2026-01-01T10:00:01.000Z fetch@cp1 attempt 1\n# fetch\nfirst\n# failed: exit code 7 after 2.0s\n# 2026-01-01T10:00:05.000Z fetch@cp1 attempt 2\n# fetch\nsecond\n';

describe('replaySessions', () => {
  const sessions = replaySessions({ events, steps: [{ id: 'fetch', title: 'Fetch', kind: 'run', destructive: false, readonly: false, targets: ['cp1'] }], logs: new Map([['logs/fetch/cp1.log', log]]), runDir: '/runs/r', live: false });

  it('splits the run into the sessions of each process, the resume starting from what the journal knew', () => {
    expect(sessions.map((s) => [s.kind, s.end, s.by.user, s.pid])).toEqual([['run', 'crashed', 'ana', 1], ['resume', 'finished', 'ana', 2]]);
    expect(sessions[0]!.before).toBeUndefined();
    expect(sessions[1]!.before?.steps.get('fetch')?.units.get(`fetch\u0000cp1\u0000`)?.status).toBe('started');
    expect(sessions[1]!.events[0]!.event).toMatchObject({ type: 'run-started', resumed: true });
  });

  it('rebuilds the engine events: output from the log, the retry, the unknown outcome of a killed attempt', () => {
    const first = sessions[0]!.events.map((e) => [(e.at - T0) / 1000, e.event.type, 'text' in e.event ? e.event.text : 'outcome' in e.event ? e.event.outcome : '']);
    expect(first).toEqual([
      [0, 'run-started', ''],
      [1, 'step-started', ''],
      [1, 'unit-started', ''],
      [2, 'output', 'first\n'],
      [3, 'unit-finished', 'failed'],
      [3, 'retrying', ''],
      [5, 'unit-started', ''],
      [5, 'output', 'second\n'],
      [5, 'unit-finished', 'unknown'],
    ]);
    expect(sessions[1]!.events.map((e) => e.event.type)).toEqual(['run-started', 'recorded', 'step-finished', 'run-finished']);
  });
});

describe('playSession', () => {
  it('follows the journal times at the chosen speed, cuts long gaps, pauses, and jumps to the end', async () => {
    let now = 0;
    const delivered: [number, string][] = [];
    const controls: ReplayControls = { speed: 2, paused: false, toEnd: false, quit: false };
    const session = sessions();
    await playSession(session, controls, {
      maxGapMs: 3000,
      deliver: (event) => delivered.push([now, event.type]),
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        if (now >= 1500 && now < 1600) controls.paused = true; // paused for 2 s of wall time
        if (now >= 3500 && controls.paused) controls.paused = false;
      },
    });
    // At ×2: t=0 at once, t=2 s at ~1 s; then 2 s paused; the 1 h gap is played as 3 s (1.5 s at ×2).
    expect(delivered.map(([, type]) => type)).toEqual(['run-started', 'step-started', 'run-finished']);
    expect(delivered[1]![0]).toBeGreaterThanOrEqual(1000);
    expect(delivered[1]![0]).toBeLessThan(1200);
    expect(delivered[2]![0]).toBeGreaterThanOrEqual(1000 + 2000 + 1500 - 100);
    expect(delivered[2]![0]).toBeLessThan(1000 + 2000 + 1500 + 300);
    expect(nextSpeed(1, 1)).toBe(2);
    expect(nextSpeed(0.25, -1)).toBe(0.25);
    expect(nextSpeed(128, 1)).toBe(128);
  });

  function sessions() {
    return [
      { at: T0, event: { type: 'run-started' as const, runId: 'r', runDir: '/r', mode: 'live' as const, title: 't', runbook: 'rb', site: 's', steps: [], resumed: false } },
      { at: T0 + 2000, event: { type: 'step-started' as const, step: 'a', units: 1 } },
      { at: T0 + 2000 + 3_600_000, event: { type: 'run-finished' as const, status: 'succeeded' as const, durationMs: 1 } },
    ];
  }
});
