import { describe, expect, it } from 'vitest';
import type { JournalEvent, NewJournalEvent } from '../journal/events.js';
import type { Runbook } from '../schema/runbook.js';
import { parseText } from '../schema/load.js';
import { buildReport } from './build-report.js';
import { renderMarkdown } from './render-markdown.js';

const by = { user: 'ana', host: 'laptop' };
let clock = 0;
const at = () => new Date(Date.UTC(2026, 0, 1, 10, 0, 0) + (clock += 1000)).toISOString();
const ev = (event: NewJournalEvent): JournalEvent => ({ ...event, at: at() }) as JournalEvent;

const runbook = parseText(
  'rb.yaml',
  `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: rb, title: RB }
roles: { nodes: {} }
steps:
  - { id: fetch, on: nodes, run: echo, retries: { count: 1 } }
  - { id: push, foreach: [a, b], run: echo }
  - { id: later, run: echo }
`,
  'Runbook',
).value as Runbook;

function journal(): JournalEvent[] {
  clock = 0;
  const cp1 = { step: 'fetch', target: 'cp1' };
  const cp2 = { step: 'fetch', target: 'cp2' };
  const a = { step: 'push', target: 'local', item: { index: 0, value: 'a' } };
  const b = { step: 'push', target: 'local', item: { index: 1, value: 'b' } };
  return [
    ev({ type: 'run-started', v: 1, runId: 'r', fieldbook: '0.1.0', mode: 'live', runbook: { name: 'rb', title: 'RB', path: '/rb.yaml', sha256: 'a'.repeat(64) }, site: { name: 's', path: '/s.yaml', sha256: 'b'.repeat(64) }, params: { pw: { source: 'env', secret: true }, n: { value: 3, source: 'param', secret: false } }, by, pid: 1 }),
    ev({ type: 'step-started', step: 'fetch' }),
    ev({ type: 'unit-started', unit: cp1, attempt: 1, command: 'echo\nfetch' }),
    ev({ type: 'unit-started', unit: cp2, attempt: 1, command: 'echo\nfetch' }),
    ev({ type: 'unit-finished', unit: cp1, attempt: 1, outcome: 'failed', exitCode: 7, reason: 'exit code 7', durationMs: 900 }),
    ev({ type: 'unit-started', unit: cp1, attempt: 2, command: 'echo\nfetch' }),
    ev({ type: 'unit-finished', unit: cp1, attempt: 2, outcome: 'succeeded', exitCode: 0, durationMs: 800, outputs: { v: '1' } }),
    // fieldbook dies while cp2 runs; the resume settles it.
    ev({ type: 'run-resumed', by, pid: 2, force: false }),
    ev({ type: 'decision', step: 'fetch', unit: cp2, decision: 'skip', reason: 'checked by hand', by, via: 'prompt' }),
    ev({ type: 'unit-skipped', unit: cp2, reason: 'checked by hand' }),
    ev({ type: 'step-finished', step: 'fetch', status: 'succeeded', outputs: { v: ['1'] } }),
    ev({ type: 'confirmation', step: 'push', by, phrase: 's', via: 'prompt' }),
    ev({ type: 'step-started', step: 'push', items: ['a', 'b'] }),
    ev({ type: 'unit-started', unit: a, attempt: 1, command: 'echo a' }),
    ev({ type: 'unit-finished', unit: a, attempt: 1, outcome: 'succeeded', exitCode: 0, durationMs: 5 }),
    ev({ type: 'unit-started', unit: b, attempt: 1, command: 'echo b' }),
  ];
}

const LOGS = new Map([
  ['logs/fetch/cp1.log', '# 2026-01-01T10:00:02.000Z fetch@cp1 attempt 1\n# echo\n# fetch\n# not a header: output\nfirst try\n# failed: exit code 7 after 0.9s\n# 2026-01-01T10:00:05.000Z fetch@cp1 attempt 2\n# echo\n# fetch\nsecond try\n# succeeded after 0.8s\n'],
  ['logs/push/local.log', '# 2026-01-01T10:00:14.000Z push[0: a] attempt 1\n# echo a\nline a\n# succeeded after 0.0s\n# 2026-01-01T10:00:16.000Z push[1: b] attempt 1\n# echo b\n' + Array.from({ length: 30 }, (_, i) => `b${i}`).join('\n') + '\n'],
]);

describe('buildReport', () => {
  it('keeps every attempt, the unknown outcomes and what settled them, per host and per item', () => {
    const report = buildReport({ events: journal(), runbook, logs: LOGS, live: false, generatedBy: 'test' });
    expect(report.run).toMatchObject({ id: 'r', condition: 'crashed', finished: false, counts: { succeeded: 2, skipped: 1, unknown: 1, failed: 0, running: 0 } });
    expect(report.run.sessions.map((s) => s.kind)).toEqual(['run', 'resume']);
    expect(report.params).toEqual([{ name: 'pw', source: 'env', secret: true }, { name: 'n', value: 3, source: 'param', secret: false }]);
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([['fetch', 'succeeded'], ['push', 'running'], ['later', 'pending']]);
    expect(report.targets).toEqual(['cp1', 'cp2', 'local']);

    const [cp1, cp2] = report.steps[0]!.units;
    expect(cp1!.attempts.map((a) => [a.attempt, a.outcome, a.exitCode])).toEqual([[1, 'failed', 7], [2, 'succeeded', 0]]);
    // The output line starting with "# " is output, not command: the command has two lines.
    expect(cp1!.attempts.map((a) => a.excerpt?.lines)).toEqual([['# not a header: output', 'first try'], ['second try']]);
    expect(cp2!.status).toBe('skipped');
    expect(cp2!.attempts).toEqual([expect.objectContaining({ outcome: 'unknown', reason: 'fieldbook stopped while it ran (no outcome was recorded)', lastSeenAt: expect.any(String) })]);

    expect(report.unknowns.map((u) => [u.label, u.settled?.decision, u.settled?.reason, u.finalStatus])).toEqual([
      ['fetch@cp2', 'skip', 'checked by hand', 'skipped'],
      ['push[1: b]', undefined, undefined, 'unknown'],
    ]);
    const [a, b] = report.steps[1]!.units;
    expect(a!.attempts[0]!.excerpt).toEqual({ lines: ['line a'], omitted: 0 });
    expect(b!.attempts[0]!.excerpt).toEqual({ lines: Array.from({ length: 12 }, (_, i) => `b${i + 18}`), omitted: 18 });
    expect(report.steps[1]!.records).toEqual([expect.objectContaining({ kind: 'confirmation', phrase: 's', via: 'prompt', by })]);
  });

  it('a unit still open is running while a live process drives the run', () => {
    const report = buildReport({ events: journal(), runbook, logs: new Map(), live: true, generatedBy: 'test' });
    expect(report.run.condition).toBe('running');
    expect(report.steps[1]!.units[1]!.status).toBe('running');
    expect(report.unknowns.map((u) => u.label)).toEqual(['fetch@cp2']);
  });

  it('renders to Markdown with links to the logs relative to where the report is read', () => {
    const report = buildReport({ events: journal(), runbook, logs: LOGS, live: false, generatedBy: 'test' });
    const md = renderMarkdown(report, { logBase: '../runs/r/' });
    expect(md).toContain('| `fetch@cp1` | ✔ succeeded | 0 | 2 (failed → succeeded) | 0.8s | [logs/fetch/cp1.log](<../runs/r/logs/fetch/cp1.log>) |');
    expect(md).toContain('- `fetch@cp2` attempt 1, started 2026-01-01 10:00:04 UTC: fieldbook stopped while it ran (no outcome was recorded). settled 2026-01-01 10:00:09 UTC by ana@laptop: decided skip: checked by hand (at the prompt). Ended skipped.');
    expect(md).toContain('### · 3. later');
  });
});
