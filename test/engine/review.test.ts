import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { JournalEvent } from '../../src/journal/events.js';
import { nobody, withPresets, type Operator } from '../../src/engine/operator.js';
import { reviewDigest, shortDigest } from '../../src/journal/review.js';
import type { ExecRequest } from '../../src/schema/transport.js';
import { fakeRun, scriptOf } from './fake-run.js';

// Reviewed deletion lists: a destructive step acts on a list an earlier step captured, shown in full, approved by
// its digest, handed to the step as `review`, and checked against what the step says it deleted.

const RUNBOOK = (prune = 'delete ${{ review }}', extra = '') => `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: t, title: T }
steps:
  - id: preview
    run: preview
    capture: { candidates: { lines: true } }
  - id: prune
    destructive: true
    confirm:
      review: \${{ steps.preview.outputs.candidates }}
    run: ${prune}
    capture: { deleted: { regex: '^deleted: (.*)$', from: stderr, all: true } }
    expect: { withinReview: { output: deleted } }
${extra}`;

const CANDIDATES = ['acme/app:1.0', 'acme/app:1.1', 'acme/web:old'];
const approve = (...entries: string[]): Operator => withPresets({ approve: new Set(entries), decide: new Map(), record: new Map() }, nobody);
const preview = (items: string[], deleted?: string) => (request: ExecRequest) =>
  scriptOf(request) === 'preview' ? { stdout: `${items.join('\n')}\n` } : deleted !== undefined ? { stderr: `deleted: ${deleted}\n` } : {};
const reviews = (events: EngineEvent[]) => events.filter((e) => e.type === 'review');

describe('reviewed lists', () => {
  it('shows the list in full, waits for an approval naming its digest, and a bare --approve is not enough', async () => {
    const digest = reviewDigest(CANDIDATES);
    const waiting = await fakeRun({ runbook: RUNBOOK(), operator: approve('prune'), reply: preview(CANDIDATES) });
    expect(reviews(waiting.events)).toEqual([{ type: 'review', step: 'prune', count: 3, digest, items: CANDIDATES, command: "delete 'acme/app:1.0'$'\\n''acme/app:1.1'$'\\n''acme/web:old'" }]);
    expect(waiting.requests.map(scriptOf)).toEqual(['preview']);
    expect(waiting.result).toMatchObject({
      status: 'paused',
      reason: 'needs-operator',
      waiting: [{ kind: 'confirmation', step: 'prune', flag: `--approve prune=${shortDigest(digest)}`, detail: expect.stringContaining(`after reviewing the 3 items above (sha256 ${shortDigest(digest)})`) }],
    });
  });

  it('runs with the approval of that digest: the step gets the reviewed list, the journal who reviewed what', async () => {
    const digest = reviewDigest(CANDIDATES);
    const run = await fakeRun({ runbook: RUNBOOK(), operator: approve(`prune=${shortDigest(digest)}`), reply: preview(CANDIDATES, 'acme/app:1.0') });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(scriptOf(run.requests[1]!)).toBe("delete 'acme/app:1.0'$'\\n''acme/app:1.1'$'\\n''acme/web:old'");
    expect(run.journal.find((e) => e.type === 'confirmation')).toMatchObject({ step: 'prune', by: { user: 'tester' }, via: 'flag', review: { count: 3, digest, items: CANDIDATES } });
    expect(run.state.records.map((r) => r.text)).toEqual([`typed "lab" (flag); reviewed 3 items (sha256 ${shortDigest(digest)})`]);
  });

  it('the confirmation shows the command as it will run, with the list being reviewed (not the plan\'s placeholders)', async () => {
    const scopes: string[][] = [];
    const operator: Operator = { ...nobody, confirm: async (request) => (scopes.push(request.scope), undefined) };
    await fakeRun({ runbook: RUNBOOK(), operator, reply: preview(CANDIDATES) });
    expect(scopes).toEqual([['local: this machine', "delete 'acme/app:1.0'$'\\n''acme/app:1.1'$'\\n''acme/web:old'"]]);
  });

  it('a list that changed since it was reviewed needs a new review: the old digest approves nothing', async () => {
    const old = shortDigest(reviewDigest(CANDIDATES));
    const grown = [...CANDIDATES, 'acme/db:prod'];
    const run = await fakeRun({ runbook: RUNBOOK(), operator: approve(`prune=${old}`), reply: preview(grown) });
    expect(run.requests.map(scriptOf)).toEqual(['preview']);
    expect(run.result).toMatchObject({ status: 'paused', waiting: [{ flag: `--approve prune=${shortDigest(reviewDigest(grown))}` }] });
  });

  it('an item deleted that was not reviewed fails the run, naming it, without asking to retry or skip; resume does not run it again', async () => {
    const digest = shortDigest(reviewDigest(CANDIDATES));
    let asked = 0;
    const operator: Operator = { ...approve(`prune=${digest}`), onFailure: async () => (asked++, { decision: 'skip', reason: 'go on', via: 'prompt' }) };
    const runbook = RUNBOOK('delete-fresh-query', '  - id: after\n    run: after\n');
    const run = await fakeRun({ runbook, operator, reply: preview(CANDIDATES, 'acme/db:prod') });
    expect(asked).toBe(0);
    expect(run.result).toMatchObject({ status: 'paused', reason: 'step-failed', waiting: [{ kind: 'failure', detail: expect.stringContaining('UNREVIEWED') }] });
    const finished = run.journal.find((e) => e.type === 'unit-finished' && e.unit.step === 'prune');
    expect(finished).toMatchObject({ outcome: 'failed', unreviewed: ['acme/db:prod'], reason: '1 item acted on that was not on the list reviewed at prune: acme/db:prod' });
    expect(run.requests.map(scriptOf)).toEqual(['preview', 'delete-fresh-query']);

    // Resume with the same approval: the step that deleted unreviewed items waits for a person's decision.
    const resumed = await fakeRun({ runbook, operator, previous: run.journal, reply: preview(CANDIDATES, 'acme/db:prod') });
    expect(resumed.requests).toEqual([]);
    expect(resumed.result).toMatchObject({
      status: 'paused',
      waiting: [{ kind: 'failure', step: 'prune', detail: expect.stringContaining('UNREVIEWED: prune'), flag: '--decide prune=done|skip|rerun, after checking what it acted on (resume alone stops here again)' }],
    });
  });

  it('a step with retries that acted on an unreviewed item is not tried again', async () => {
    const digest = shortDigest(reviewDigest(CANDIDATES));
    const runbook = RUNBOOK('delete-fresh-query').replace('    destructive: true\n', '    destructive: true\n    retries: { count: 3, delay: 0s }\n');
    const run = await fakeRun({ runbook, operator: approve(`prune=${digest}`), reply: preview(CANDIDATES, 'acme/db:prod') });
    expect(run.requests.map(scriptOf)).toEqual(['preview', 'delete-fresh-query']);
    expect(run.result).toMatchObject({ status: 'paused', reason: 'step-failed' });
  });

  it('an interrupted step that had already acted on an unreviewed item is failed with it, not left unknown', async () => {
    const digest = shortDigest(reviewDigest(CANDIDATES));
    const reply = (request: ExecRequest) =>
      scriptOf(request) === 'preview' ? { stdout: `${CANDIDATES.join('\n')}\n` } : { stderr: 'deleted: acme/db:prod\n', outcome: { kind: 'cancelled' as const } };
    const run = await fakeRun({ runbook: RUNBOOK('delete-fresh-query'), operator: approve(`prune=${digest}`), reply });
    const finished = run.journal.find((e) => e.type === 'unit-finished' && e.unit.step === 'prune');
    expect(finished).toMatchObject({ outcome: 'failed', unreviewed: ['acme/db:prod'] });
  });

  it('a step half-way through one reviewed list cannot go on under the approval of another: it starts afresh with --from', async () => {
    const runbook = RUNBOOK("delete ${{ item }}").replace('    confirm:\n', '    foreach: ${{ steps.preview.outputs.candidates }}\n    confirm:\n');
    const first = shortDigest(reviewDigest(CANDIDATES));
    const stopAtWeb = (request: ExecRequest) =>
      scriptOf(request) === 'preview' ? { stdout: `${CANDIDATES.join('\n')}\n` } : scriptOf(request).includes('web') ? { outcome: { kind: 'cancelled' as const } } : {};
    const run = await fakeRun({ runbook, operator: approve(`prune=${first}`), reply: stopAtWeb });
    expect(run.requests.map(scriptOf)).toEqual(['preview', "delete 'acme/app:1.0'", "delete 'acme/app:1.1'", "delete 'acme/web:old'"]);

    // The preview ran again (`resume --only preview`) and found another list; its approval must not reach the old items.
    const grown = [...CANDIDATES, 'acme/db:prod'];
    const rerun: JournalEvent[] = [...run.journal, { type: 'rerun-requested', at: '', by: { user: 'tester', host: 'test' }, only: 'preview', steps: ['preview'] }];
    const previewed = await fakeRun({ runbook: runbook.replace(/ {2}- id: prune[\s\S]*/, ''), previous: rerun, reply: preview(grown) });
    const resumed = await fakeRun({ runbook, operator: approve(`prune=${shortDigest(reviewDigest(grown))}`), previous: previewed.journal, reply: preview(grown) });
    expect(resumed.requests).toEqual([]);
    expect(resumed.result).toMatchObject({
      status: 'paused',
      reason: 'step-failed',
      waiting: [{ kind: 'failure', step: 'prune', flag: '--from prune', detail: `prune started on a reviewed list of 3 items (sha256 ${first}) and its list is now 4 items (sha256 ${shortDigest(reviewDigest(grown))}): it cannot go on with another list, only start afresh on the new one (reviewed again)` }],
    });
  });

  it('a list holding a secret cannot be reviewed: it is never shown or stored, so the step would get it masked', async () => {
    const params = { token: { value: 'acme/app:1.0\nacme/s3cr3t-t0ken', source: 'env' as const, secret: true } };
    const runbook = RUNBOOK()
      .replace('steps:\n', 'params: { token: { secret: true } }\nsteps:\n')
      .replace('review: ${{ steps.preview.outputs.candidates }}', 'review: ${{ params.token }}');
    // The preview prints no line of the secret: a capture that held one would fail its own step first.
    const run = await fakeRun({ runbook, params, operator: approve('prune'), reply: preview(['acme/web:old']) });
    expect(run.requests.map(scriptOf)).toEqual(['preview']);
    expect(run.events.filter((e) => e.type === 'review')).toEqual([]);
    expect(run.result).toMatchObject({ status: 'paused', reason: 'step-failed', waiting: [{ kind: 'failure', detail: 'prune: item 1 of its reviewed list holds a secret, which is never shown or stored, so it cannot be reviewed: "****"' }] });
    expect(JSON.stringify(run.journal)).not.toContain('s3cr3t-t0ken');
  });

  it('output that cannot be read (JSON cut off half-way, too large) stops the run as an unreviewed item does', async () => {
    const digest = shortDigest(reviewDigest(CANDIDATES));
    const runbook = RUNBOOK('delete-fresh-query').replace("capture: { deleted: { regex: '^deleted: (.*)$', from: stderr, all: true } }", 'capture: { deleted: { json: true } }');
    const halfway = (request: ExecRequest) => (scriptOf(request) === 'preview' ? { stdout: `${CANDIDATES.join('\n')}\n` } : { stdout: '["acme/app:1.0", "acme/db:pr', outcome: { kind: 'exited' as const, exitCode: 1 } });
    const run = await fakeRun({ runbook, operator: approve(`prune=${digest}`), reply: halfway });
    expect(run.result).toMatchObject({ status: 'paused', reason: 'step-failed', waiting: [{ detail: expect.stringContaining('UNREVIEWED: prune: what it acted on cannot be checked against the list reviewed at prune (capture deleted: stdout is not JSON') }] });
    // Printed nothing: acted on nothing it says; its own failure stands.
    const silent = await fakeRun({ runbook, operator: approve(`prune=${digest}`), reply: (r) => (scriptOf(r) === 'preview' ? { stdout: `${CANDIDATES.join('\n')}\n` } : { outcome: { kind: 'exited' as const, exitCode: 1 } }) });
    expect(silent.journal.find((e) => e.type === 'unit-finished' && e.unit.step === 'prune')).toMatchObject({ outcome: 'failed', reason: 'exit code 1' });
    // More than a capture holds: the check cannot read it, so it does not pass it.
    const flood = 'deleted: acme/app:1.0\n'.repeat(1 + (16 * 1024 * 1024) / 22);
    const big = await fakeRun({ runbook: RUNBOOK('delete-fresh-query'), operator: approve(`prune=${digest}`), reply: (r) => (scriptOf(r) === 'preview' ? { stdout: `${CANDIDATES.join('\n')}\n` } : { stderr: flood }) });
    expect(big.journal.find((e) => e.type === 'unit-finished' && e.unit.step === 'prune')).toMatchObject({ outcome: 'failed', unreviewed: ['(unreadable: stderr is larger than 16 MiB, the most a capture reads)'] });
  });

  it('a foreach step that reviews a list goes over that list, or checks what it acted on: validate refuses the rest', async () => {
    const other = RUNBOOK('delete ${{ item }}').replace('    confirm:\n', "    foreach: ['acme/db:prod']\n    confirm:\n");
    await expect(fakeRun({ runbook: other.replace(/ {4}expect: .*\n/, ''), reply: () => ({}) })).rejects.toThrow(/a step that reviews a list and goes over other items must check what it acted on: add `expect.withinReview`/);
    // With the check, an item it acts on beyond the list stops the run.
    const checked = await fakeRun({ runbook: other, operator: approve(`prune=${shortDigest(reviewDigest(CANDIDATES))}`), reply: preview(CANDIDATES, 'acme/db:prod') });
    expect(checked.result).toMatchObject({ status: 'paused', reason: 'step-failed', waiting: [{ unreviewed: true }] });
    const same = RUNBOOK('delete ${{ item }}').replace('    confirm:\n', '    foreach: ${{ steps.preview.outputs.candidates }}\n    confirm:\n');
    const run = await fakeRun({ runbook: same, operator: approve(`prune=${shortDigest(reviewDigest(CANDIDATES))}`), reply: preview(CANDIDATES) });
    expect(run.result).toEqual({ status: 'succeeded' });
  });

  it('an item that cannot be seen for what it is (blank, two lines in one) is refused before anything is shown', async () => {
    const blank = await fakeRun({ runbook: RUNBOOK().replace('capture: { candidates: { lines: true } }', () => "capture: { candidates: { regex: '^dir: (.*)$', all: true } }"), operator: approve('prune'), reply: (r) => (scriptOf(r) === 'preview' ? { stdout: 'dir: a\ndir:  \n' } : {}) });
    expect(blank.events.filter((e) => e.type === 'review')).toEqual([]);
    expect(blank.result).toMatchObject({ status: 'paused', reason: 'step-failed', waiting: [{ detail: 'prune: item 2 of its reviewed list is blank, so it cannot be reviewed: " "' }] });
    const twoLines = await fakeRun({ runbook: RUNBOOK().replace('capture: { candidates: { lines: true } }', 'capture: { candidates: { json: true } }'), operator: approve('prune'), reply: (r) => (scriptOf(r) === 'preview' ? { stdout: '["a", "b\\nc"]' } : {}) });
    expect(twoLines.result).toMatchObject({ status: 'paused', waiting: [{ detail: 'prune: item 2 of its reviewed list holds a line break (it would show, and act, as two items), so it cannot be reviewed: "b\\nc"' }] });
  });

  it('an empty reviewed list skips the step: nothing reviewed to act on, nothing asked', async () => {
    const run = await fakeRun({ runbook: RUNBOOK(), reply: preview([]) });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(run.requests.map(scriptOf)).toEqual(['preview']);
    expect(run.events.filter((e) => e.type === 'review')).toEqual([]);
    expect(run.journal.find((e) => e.type === 'step-skipped')).toMatchObject({ step: 'prune', reason: 'its reviewed list is empty: nothing reviewed to act on' });
  });

  it('what was deleted within the list passes; validate refuses review and withinReview where they mean nothing', async () => {
    const digest = shortDigest(reviewDigest(CANDIDATES));
    const run = await fakeRun({ runbook: RUNBOOK('delete-fresh-query'), operator: approve(`prune=${digest}`), reply: preview(CANDIDATES, 'acme/web:old') });
    expect(run.result).toEqual({ status: 'succeeded' });
    await expect(fakeRun({ runbook: RUNBOOK().replace('    destructive: true\n', ''), reply: () => ({}) })).rejects.toThrow(/a reviewed list is confirmed before a destructive step/);
    // A first-match capture would let every later line through unchecked.
    await expect(fakeRun({ runbook: RUNBOOK().replace('from: stderr, all: true', 'from: stderr'), reply: () => ({}) })).rejects.toThrow(/must capture every item acted on/);
  });
});
