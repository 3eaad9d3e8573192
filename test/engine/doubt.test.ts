import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { nobody, withPresets, type Operator, type UnknownRequest } from '../../src/engine/operator.js';
import type { JournalEvent } from '../../src/journal/events.js';
import { runPaths, type RunPaths } from '../../src/journal/run-dir.js';
import { tempDirForTest } from '../harness/tmp.js';
import { fakeRun, scriptOf } from './fake-run.js';

/**
 * A destructive unit whose outcome is unknown: the doubt comes before the phrase, with what the unit printed
 * last, its log and the step's check; and a stop with nobody to ask prints every flag the rest of the run needs.
 */

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: t, title: T }
steps:
  - id: preview
    run: preview
    capture: { candidates: { lines: true } }
  - id: wipe
    destructive: true
    check: "List the bucket of \${{ site.name }}: mc ls bucket/"
    run: wipe
  - id: ticket
    manual: { instructions: Close the ticket., checklist: [Customer told], record: [ { name: ticket, prompt: Ticket } ] }
  - id: prune
    destructive: true
    confirm:
      review: \${{ steps.preview.outputs.candidates }}
    run: prune \${{ review }}
`;

/** A first run whose wipe was cut off half-way (the connection dropped): its outcome is unknown. */
async function cutOff(): Promise<{ previous: JournalEvent[]; paths: RunPaths }> {
  const paths = runPaths(tempDirForTest());
  const reply = (request: Parameters<Parameters<typeof fakeRun>[0]['reply']>[0]) =>
    scriptOf(request) === 'preview' ? { stdout: 'a\nb\n' } : scriptOf(request) === 'wipe' ? { stdout: 'removed 1 of 3\nremoved 2 of 3\n', outcome: { kind: 'unknown' as const, reason: 'connection lost' } } : {};
  const run = await fakeRun({ runbook: RUNBOOK, operator: approve('wipe'), reply, paths });
  expect(run.result).toMatchObject({ status: 'paused', reason: 'needs-operator' });
  return { previous: run.journal, paths };
}

const approve = (...entries: string[]): Operator => withPresets({ approve: new Set(entries), decide: new Map(), record: new Map() }, nobody);

/** An operator at a terminal that answers the doubt with `decision`, confirms, and stops at the manual step. */
function person(decision: 'rerun' | 'done' | 'skip') {
  const calls: string[] = [];
  const asked: UnknownRequest[] = [];
  const operator: Operator = {
    confirm: async (request) => (calls.push(`confirm ${request.step}`), { phrase: request.phrase, via: 'prompt' }),
    manual: async (request) => (calls.push(`manual ${request.step}`), undefined),
    onFailure: async () => undefined,
    decideUnknown: async (request) => (calls.push(`unknown ${request.step}`), asked.push(request), { decision, reason: 'listed the bucket', via: 'prompt' }),
  };
  return { operator, calls, asked };
}

const paused = (events: EngineEvent[]) => events.find((e): e is Extract<EngineEvent, { type: 'run-paused' }> => e.type === 'run-paused');

describe('an interrupted destructive step on resume', () => {
  it('asks about the unknown unit before its phrase, showing its last output, log and check; "done" asks no phrase', async () => {
    const { previous, paths } = await cutOff();
    const { operator, calls, asked } = person('done');
    const resumed = await fakeRun({ runbook: RUNBOOK, operator, previous, paths, reply: () => ({}) });
    expect(calls).toEqual(['unknown wipe', 'manual ticket']);
    expect(resumed.requests.map(scriptOf)).toEqual([]);
    expect(asked[0]).toMatchObject({
      step: 'wipe',
      destructive: true,
      reason: 'connection lost',
      lastLines: ['removed 1 of 3', 'removed 2 of 3'],
      logPath: expect.stringMatching(/\/logs\/wipe\/local\.log$/),
      check: 'List the bucket of lab: mc ls bucket/',
    });
  });

  it('"rerun" asks for the phrase next, and runs it only then', async () => {
    const { previous, paths } = await cutOff();
    const { operator, calls } = person('rerun');
    const resumed = await fakeRun({ runbook: RUNBOOK, operator, previous, paths, reply: () => ({}) });
    expect(calls).toEqual(['unknown wipe', 'confirm wipe', 'manual ticket']);
    expect(resumed.requests.map(scriptOf)).toEqual(['wipe']);
    const order = resumed.journal.slice(previous.length).map((e) => e.type).filter((t) => ['decision', 'confirmation', 'unit-started'].includes(t));
    expect(order).toEqual(['decision', 'confirmation', 'unit-started']);
  });
});

describe('a stop with nobody to ask', () => {
  it('prints one resume command with every flag the rest of the run needs; a reviewed list is named but left out', async () => {
    const { previous, paths } = await cutOff();
    const resumed = await fakeRun({ runbook: RUNBOOK, previous, paths, reply: () => ({}), unattended: true });
    const stop = paused(resumed.events)!;
    expect(stop.resumeCommand).toBe('fieldbook resume fake --decide wipe=<rerun|done|skip> --approve wipe --approve ticket --record ticket.ticket=<ticket>');
    expect(stop.waiting[0]!.notes).toEqual(['it printed last:', '│ removed 1 of 3', '│ removed 2 of 3', expect.stringMatching(/^log: .*\/logs\/wipe\/local\.log$/), 'check: List the bucket of lab: mc ls bucket/']);
    expect(stop.ahead?.map((a) => a.flag)).toEqual(['--approve wipe', '--approve ticket --record ticket.ticket=<ticket>', '--approve prune=<digest> (shown with its list)']);
  });

  it('a rerun decided without the phrase stops for the phrase, and its command brings the decision again', async () => {
    const { previous, paths } = await cutOff();
    const rerun = withPresets({ approve: new Set(), decide: new Map([['wipe', 'rerun' as const]]), record: new Map() }, nobody);
    const resumed = await fakeRun({ runbook: RUNBOOK, operator: rerun, previous, paths, reply: () => ({}), unattended: true });
    const stop = paused(resumed.events)!;
    expect(stop.waiting.map((w) => w.kind)).toEqual(['confirmation']);
    // A rerun settles nothing until it runs: without the decision the next resume would ask it again.
    expect(stop.resumeCommand).toBe('fieldbook resume fake --approve wipe --decide wipe=<rerun|done|skip> --approve ticket --record ticket.ticket=<ticket>');
  });

  it('on a terminal the resume command stays bare of later approvals: the questions are asked there', async () => {
    const { previous, paths } = await cutOff();
    const resumed = await fakeRun({ runbook: RUNBOOK, previous, paths, reply: () => ({}) });
    const stop = paused(resumed.events)!;
    expect(stop.resumeCommand).toBe('fieldbook resume fake --decide wipe=<rerun|done|skip>');
    expect(stop.ahead).toBeUndefined();
  });

  it('a manual step with a record is settled by the flag it prints: no loop', async () => {
    const runbook = RUNBOOK.replace(/ {2}- id: wipe[\s\S]*?(?= {2}- id: ticket)/, '').replace(/ {2}- id: prune[\s\S]*/, '');
    const first = await fakeRun({ runbook, reply: () => ({ stdout: 'a\n' }), unattended: true });
    const stop = paused(first.events)!;
    expect(stop.waiting.map((w) => w.flag)).toEqual(['--approve ticket --record ticket.ticket=<ticket>']);
    const operator = withPresets({ approve: new Set(['ticket']), decide: new Map(), record: new Map([['ticket.ticket', 'CHG-1']]) }, nobody);
    const second = await fakeRun({ runbook, operator, previous: first.journal, reply: () => ({}), unattended: true });
    expect(second.result).toEqual({ status: 'succeeded' });
    expect(second.state.steps.get('ticket')?.outputs).toEqual({ ticket: 'CHG-1' });
  });
});
