import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StepOverview } from '../../engine/events.js';
import { RunModel } from './run-model.js';

const steps: StepOverview[] = [
  { id: 'backup', title: 'Back up', kind: 'run', destructive: false, readonly: false, targets: ['cp1', 'cp2'] },
  { id: 'wipe', title: 'Wipe', kind: 'run', destructive: true, readonly: false, targets: ['local'] },
];
const started = { type: 'run-started', runId: 'r', runDir: '/r', mode: 'live', title: 'T', runbook: 'rb', site: 's', steps, resumed: false } as const;

describe('RunModel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells subscribers of output at most every outputRepaintMs, however much arrives', () => {
    const model = new RunModel({ repaintMs: 80, outputRepaintMs: 80, now: () => Date.now() });
    model.apply(started);
    let repaints = 0;
    model.subscribe(() => repaints++);
    const unit = { step: 'backup', target: 'cp1' };
    model.apply({ type: 'step-started', step: 'backup', units: 2 });
    // 10,000 chunks over one second: 12.5 repaints a second at most (plus the first, at once).
    for (let i = 0; i < 10_000; i++) {
      model.apply({ type: 'output', unit, stream: 'stdout', text: `line ${i}\n` });
      if (i % 10 === 0) vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    expect(repaints).toBeGreaterThan(5);
    expect(repaints).toBeLessThanOrEqual(15);
    expect(model.step('backup')!.hosts.get('cp1')!.output.tail(1)).toEqual(['line 9999']);
    expect(model.step('backup')!.hosts.get('cp1')!.output.length).toBe(200);
  });

  it('repaints a flood of output 5 times a second by default, and a change of state within repaintMs', () => {
    const model = new RunModel({ repaintMs: 80, now: () => Date.now() });
    model.apply(started);
    const unit = { step: 'backup', target: 'cp1' };
    model.apply({ type: 'step-started', step: 'backup', units: 2 });
    let repaints = 0;
    model.subscribe(() => repaints++);
    vi.advanceTimersByTime(1_000);
    repaints = 0;
    // One second of output, a chunk every millisecond: the first at once, then one every 200 ms.
    for (let i = 0; i < 1_000; i++) {
      model.apply({ type: 'output', unit, stream: 'stdout', text: `line ${i}\n` });
      vi.advanceTimersByTime(1);
    }
    expect(repaints).toBeGreaterThanOrEqual(5);
    expect(repaints).toBeLessThanOrEqual(6);
    // A host finishing during the flood is shown within 80 ms of the last repaint, not 200.
    const before = repaints;
    model.apply({ type: 'output', unit, stream: 'stdout', text: 'more\n' });
    model.apply({ type: 'unit-finished', unit: { step: 'backup', target: 'cp2' }, attempt: 1, outcome: 'succeeded', durationMs: 5 });
    vi.advanceTimersByTime(80);
    expect(repaints).toBe(before + 1);
    expect(model.step('backup')!.hosts.get('cp2')!.status).toBe('succeeded');
  });

  it('shows a unit marked done as succeeded, and one to be rerun as pending again', () => {
    const model = new RunModel({ repaintMs: 80, now: () => Date.now() });
    model.apply(started);
    const cp1 = { step: 'backup', target: 'cp1' };
    const cp2 = { step: 'backup', target: 'cp2' };
    model.apply({ type: 'step-started', step: 'backup', units: 2 });
    model.apply({ type: 'unit-finished', unit: cp1, attempt: 1, outcome: 'unknown', reason: 'crash', durationMs: 5 });
    model.apply({ type: 'unit-finished', unit: cp2, attempt: 1, outcome: 'unknown', reason: 'crash', durationMs: 5 });
    model.apply({ type: 'recorded', step: 'backup', what: 'decision', text: 'backup@cp1: done (checked)', unit: cp1, decision: 'done' });
    model.apply({ type: 'recorded', step: 'backup', what: 'decision', text: 'backup@cp2: rerun (checked)', unit: cp2, decision: 'rerun' });
    const hosts = model.step('backup')!.hosts;
    expect(hosts.get('cp1')).toMatchObject({ status: 'succeeded', reason: 'marked done' });
    expect(hosts.get('cp2')!.status).toBe('pending');
  });

  it('repaints at once for a question', () => {
    const model = new RunModel({ repaintMs: 80, now: () => Date.now() });
    model.apply(started);
    let repaints = 0;
    model.subscribe(() => repaints++);
    model.apply({ type: 'step-started', step: 'backup', units: 2 });
    model.apply({ type: 'notice', text: 'x' }); // within 80 ms: waits
    const before = repaints;
    model.ask({ kind: 'pause', answer: () => {} });
    expect(repaints).toBe(before + 1);
  });

  it('starts a resumed run from what the journal knew, and marks running units unknown when the run pauses', () => {
    const model = new RunModel({ repaintMs: 0 });
    model.seed([
      { id: 'backup', status: 'running', units: [{ id: 'a', key: { step: 'backup', target: 'cp1' }, status: 'succeeded', exitCode: 0 }, { id: 'b', key: { step: 'backup', target: 'cp2' }, status: 'started' }] },
    ]);
    model.apply({ ...started, resumed: true });
    const backup = model.step('backup')!;
    expect(backup.status).toBe('unknown');
    expect(backup.hosts.get('cp1')!.status).toBe('succeeded');
    model.apply({ type: 'unit-started', unit: { step: 'backup', target: 'cp2' }, attempt: 2, command: 'tar' });
    expect(backup.status).toBe('running');
    expect(backup.hosts.get('cp2')!.output.tail(5)).toEqual(['── attempt 2 ──']);
    model.apply({ type: 'run-paused', reason: 'interrupted', waiting: [], resumeCommand: 'fieldbook resume r' });
    expect(backup.status).toBe('unknown');
    expect(model.statics.at(-1)).toMatchObject({ kind: 'step', status: 'unknown', detail: ['backup@cp2: unknown'] });
  });
});
