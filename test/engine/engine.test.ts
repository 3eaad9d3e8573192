import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logPath, runPaths } from '../../src/journal/run-dir.js';
import { tempDirForTest } from '../harness/tmp.js';
import type { Operator } from '../../src/engine/operator.js';
import { withPresets, nobody } from '../../src/engine/operator.js';
import type { ExecRequest } from '../../src/schema/transport.js';
import { fakeRun, scriptOf } from './fake-run.js';

const SITE = `apiVersion: fieldbook/v1
kind: Site
metadata: { name: lab }
hosts:
  h1: { address: 127.0.0.11 }
  h2: { address: 127.0.0.12 }
  h3: { address: 127.0.0.13 }
  h4: { address: 127.0.0.14 }
roles:
  all: [h1, h2, h3, h4]
`;

const runbook = (steps: string, extra = '') => `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: t, title: T }
${extra}roles:
  all: { min: 1 }
steps:
${steps}`;

const hostOf = (request: { target: { kind: string; host?: { name: string } } }) => request.target.host?.name ?? 'local';
const presets = (p: { approve?: string[]; decide?: [string, 'rerun' | 'done' | 'skip'][]; record?: [string, string][] }, fallback: Operator = nobody) =>
  withPresets({ approve: new Set(p.approve), decide: new Map(p.decide), record: new Map(p.record) }, fallback);

const nameOf = (request: ExecRequest) => (request.target.kind === 'host' ? request.target.host.name : 'local');

describe('engine', () => {
  it('fans out over a role in parallel, never more than maxParallel at once', async () => {
    const run = await fakeRun({ site: SITE, runbook: runbook('  - id: fan\n    on: all\n    maxParallel: 2\n    run: echo ${{ host.name }}\n'), reply: () => ({ delayMs: 20 }) });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(run.requests.map(hostOf).sort()).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(run.peak).toBe(2);
    expect(run.requests.map(scriptOf).sort()).toEqual(["echo 'h1'", "echo 'h2'", "echo 'h3'", "echo 'h4'"]);
  });

  it('skips a step on a role the site leaves empty (min: 0), saying so, and goes on', async () => {
    const steps = '  - id: extras\n    on: extra\n    destructive: true\n    run: wipe\n  - id: after\n    run: "true"\n';
    const run = await fakeRun({ site: SITE, runbook: runbook(steps).replace('roles:\n', 'roles:\n  extra: { min: 0 }\n'), reply: () => ({}) });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(run.requests.map(scriptOf)).toEqual(['true']);
    expect(run.journal.find((e) => e.type === 'step-skipped')).toMatchObject({ step: 'extras', reason: 'no hosts: the site gives role "extra" none' });
  });

  it('runs serial steps one host at a time, in role order', async () => {
    const run = await fakeRun({ site: SITE, runbook: runbook('  - id: one-by-one\n    on: all\n    strategy: serial\n    run: "true"\n'), reply: () => ({ delayMs: 5 }) });
    expect(run.peak).toBe(1);
    expect(run.requests.map(hostOf)).toEqual(['h1', 'h2', 'h3', 'h4']);
  });

  it('captures outputs and aggregates them per host and over foreach items', async () => {
    const run = await fakeRun({
      site: SITE,
      runbook: runbook(`  - id: sizes
    on: all
    run: du
    capture: { size: { regex: 'size=(\\d+)' } }
  - id: list
    run: ls
    capture: { files: { lines: true }, meta: { json: true, path: a.b, from: stderr } }
  - id: each
    foreach: \${{ steps.list.outputs.files }}
    run: echo \${{ item }} \${{ steps.sizes.hosts.h2.outputs.size }}
    capture: { echoed: {} }
`),
      reply: (request) => {
        const script = scriptOf(request);
        if (script === 'du') return { stdout: `size=${hostOf(request).slice(1)}00\n` };
        if (script === 'ls') return { stdout: 'x.tgz\n\ny.tgz\n', stderr: '{"a":{"b":[1,2]}}' };
        return { stdout: script.replace(/'/g, '') };
      },
    });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(run.state.steps.get('sizes')!.outputs).toEqual({ size: ['100', '200', '300', '400'] });
    expect(run.state.steps.get('list')!.outputs).toEqual({ files: ['x.tgz', 'y.tgz'], meta: [1, 2] });
    expect(run.state.steps.get('each')!.outputs).toEqual({ echoed: ['echo x.tgz 200', 'echo y.tgz 200'] });
  });

  it('runs foreach over records: item.<field> is one field, item the record as compact JSON; text items stay text', async () => {
    const run = await fakeRun({
      runbook: runbook(`  - id: find
    run: find
    capture: { pods: { json: true, query: 'items[].{namespace: ns, pod: name}' }, names: { lines: true, from: stderr } }
  - id: each
    foreach: \${{ steps.find.outputs.pods }}
    run: exec \${{ item.namespace }} \${{ item.pod }} \${{ item }}
  - id: texts
    foreach: \${{ steps.find.outputs.names }}
    run: echo \${{ item }}
`),
      reply: (request) =>
        scriptOf(request) === 'find' ? { stdout: '{"items":[{"ns":"a","name":"p1"},{"ns":"b","name":"p2"}]}', stderr: '{"x": 1}\n{"x":1}\n' } : {},
    });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(run.requests.map(scriptOf).slice(1)).toEqual([
      `exec 'a' 'p1' '{"namespace":"a","pod":"p1"}'`,
      `exec 'b' 'p2' '{"namespace":"b","pod":"p2"}'`,
      // Text that looks like JSON is passed as it was printed, not re-encoded.
      `echo '{"x": 1}'`,
      `echo '{"x":1}'`,
    ]);
  });

  it('fails a step whose capture finds nothing, saying which capture and why', async () => {
    const run = await fakeRun({ runbook: runbook("  - id: c\n    onFailure: abort\n    run: x\n    capture: { n: { regex: 'n=(\\d+)' } }\n"), reply: () => ({ stdout: 'nothing here' }) });
    expect(run.result).toMatchObject({ status: 'paused', reason: 'step-failed' });
    expect(run.state.steps.get('c')!.units.values().next().value).toMatchObject({ status: 'failed', reason: 'capture n: /n=(\\d+)/ did not match stdout' });
  });

  it('starts a unit while its unit-started is being synced, but lets it act only once the line is durable', async () => {
    const order: string[] = [];
    const run = await fakeRun({
      runbook: runbook(`  - id: one\n    on: all\n    run: echo one\n  - id: two\n    run: echo two\n`),
      site: SITE,
      sync: async (event) => {
        if (event.type !== 'unit-started') return;
        order.push(`sync ${event.unit.target}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`synced ${event.unit.target}`);
      },
      onExec: (request) => order.push(`exec ${nameOf(request)}`),
      reply: (request) => {
        order.push(`act ${nameOf(request)}`);
        return {};
      },
    });
    expect(run.result.status).toBe('succeeded');
    expect(run.acted).toHaveLength(5);
    for (const target of ['h1', 'h2', 'h3', 'h4', 'local']) {
      // The transport had the request while the line was being synced, and it acted only after.
      expect(order.indexOf(`exec ${target}`)).toBeLessThan(order.indexOf(`synced ${target}`));
      expect(order.indexOf(`act ${target}`)).toBeGreaterThan(order.indexOf(`synced ${target}`));
    }
  });

  it('stops the run when a unit-started cannot be synced, and the command never acts', async () => {
    const reached: string[] = [];
    const acted: string[] = [];
    const paths = runPaths(tempDirForTest());
    const run = fakeRun({
      paths,
      runbook: runbook(`  - id: one\n    run: echo one\n`),
      sync: async (event) => {
        if (event.type === 'unit-started') throw new Error('fsync: EIO');
      },
      onExec: (request) => reached.push(nameOf(request)),
      reply: (request) => {
        acted.push(nameOf(request));
        return {};
      },
    });
    await expect(run).rejects.toThrow('fsync: EIO');
    expect(reached).toEqual(['local']);
    expect(acted).toEqual([]);
    // The log is closed, and says the command never ran.
    expect(readFileSync(logPath(paths, 'one', 'local'), 'utf8')).toMatch(/# end of section [0-9a-f]{12}: not run: its start could not be written to the journal · 0 bytes of output\n$/);
  });

  it('retries a failed execution up to retries.count, then succeeds', async () => {
    const run = await fakeRun({ runbook: runbook('  - id: flaky\n    retries: { count: 2, delay: 1s }\n    run: x\n'), reply: (_r, call) => ({ outcome: { kind: 'exited', exitCode: call < 2 ? 1 : 0 } }) });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(run.requests).toHaveLength(3);
    expect(run.events.filter((e) => e.type === 'retrying')).toHaveLength(2);
    expect(run.state.steps.get('flaky')!.units.values().next().value).toMatchObject({ status: 'succeeded', attempt: 3 });
  });

  it('judges exit codes by expect, and a timeout as a failure', async () => {
    const expect3 = await fakeRun({ runbook: runbook('  - id: e\n    expect: { exitCodes: [3] }\n    run: x\n'), reply: () => ({ outcome: { kind: 'exited', exitCode: 3 } }) });
    expect(expect3.result).toEqual({ status: 'succeeded' });
    const slow = await fakeRun({ runbook: runbook('  - id: slow\n    timeout: 10ms\n    onFailure: abort\n    run: x\n'), reply: () => ({ delayMs: 1000 }) });
    expect(slow.state.steps.get('slow')!.units.values().next().value).toMatchObject({ status: 'failed', reason: 'timed out after 10ms' });
  });

  it('skips a step whose condition is false, evaluated when the step is reached', async () => {
    const run = await fakeRun({
      runbook: runbook("  - id: probe\n    run: x\n    capture: { state: {} }\n  - id: only-if-dirty\n    when: ${{ steps.probe.outputs.state == 'dirty' }}\n    run: clean\n"),
      reply: () => ({ stdout: 'clean' }),
    });
    expect(run.requests.map(scriptOf)).toEqual(['x']);
    expect(run.state.steps.get('only-if-dirty')).toMatchObject({ status: 'skipped' });
  });

  it('onFailure: continue finishes the run as failed; abort stops it resumable', async () => {
    const cont = await fakeRun({ runbook: runbook('  - id: bad\n    onFailure: continue\n    run: x\n  - id: after\n    run: y\n'), reply: (r) => ({ outcome: { kind: 'exited', exitCode: scriptOf(r) === 'x' ? 1 : 0 } }) });
    expect(cont.result).toEqual({ status: 'failed' });
    expect(cont.requests.map(scriptOf)).toEqual(['x', 'y']);
    const abort = await fakeRun({ runbook: runbook('  - id: bad\n    onFailure: abort\n    run: x\n  - id: after\n    run: y\n'), reply: () => ({ outcome: { kind: 'exited', exitCode: 1 } }) });
    expect(abort.result).toMatchObject({ status: 'paused', reason: 'step-failed' });
    expect(abort.requests.map(scriptOf)).toEqual(['x']);
  });

  it('onFailure: ask lets the operator retry, then skip with a reason', async () => {
    const answers = ['retry', 'skip'] as const;
    let asked = 0;
    const operator: Operator = { ...nobody, onFailure: async () => ({ decision: answers[asked++]!, reason: 'known flaky', via: 'prompt' }) };
    const run = await fakeRun({ runbook: runbook('  - id: bad\n    run: x\n  - id: after\n    run: y\n'), operator, reply: (r) => ({ outcome: { kind: 'exited', exitCode: scriptOf(r) === 'x' ? 1 : 0 } }) });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(run.requests.map(scriptOf)).toEqual(['x', 'x', 'y']);
    expect(run.state.records.map((r) => r.text)).toEqual(['retry: known flaky (prompt)', 'skip: known flaky (prompt)']);
  });

  it('never runs a destructive step without the exact phrase, and records who confirmed it', async () => {
    const steps = '  - id: wipe\n    destructive: true\n    confirm: { phrase: "wipe ${{ site.name }}" }\n    run: rm\n';
    const wrong = await fakeRun({ runbook: runbook(steps), operator: { ...nobody, confirm: async () => ({ phrase: 'wipe lad', via: 'prompt' }) }, reply: () => ({}) });
    expect(wrong.requests).toHaveLength(0);
    expect(wrong.result).toMatchObject({ status: 'paused', reason: 'interrupted' });
    const waiting = await fakeRun({ runbook: runbook(steps), reply: () => ({}) });
    expect(waiting.result).toMatchObject({ status: 'paused', reason: 'needs-operator', waiting: [{ kind: 'confirmation', step: 'wipe', flag: '--approve wipe' }] });
    const right = await fakeRun({ runbook: runbook(steps), operator: { ...nobody, confirm: async (r) => ({ phrase: r.phrase, via: 'prompt' }) }, reply: () => ({}) });
    expect(right.requests).toHaveLength(1);
    expect(right.journal.find((e) => e.type === 'confirmation')).toMatchObject({ step: 'wipe', phrase: 'wipe lab', by: { user: 'tester', host: 'test' }, via: 'prompt' });
  });

  it('shows the confirmation message with the outputs of the steps before it, secrets masked, when it asks and when it waits', async () => {
    const steps = `  - id: backup
    run: tar
    capture: { archive: { regex: 'archive=(\\S+)' } }
  - id: wipe
    destructive: true
    confirm: { message: "Deletes everything; backup \${{ steps.backup.outputs.archive }}, token \${{ params.token }}" }
    run: rm
`;
    const extra = 'params:\n  token: { secret: true, required: true }\n';
    const asked: string[] = [];
    const operator: Operator = { ...nobody, confirm: async (request) => (asked.push(request.message ?? ''), undefined) };
    const run = await fakeRun({ runbook: runbook(steps, extra), params: { token: { value: 's3cr3t-token', source: 'env', secret: true } }, operator, reply: (r) => (scriptOf(r) === 'tar' ? { stdout: 'archive=/backup/r1/cp1.tar\n' } : {}) });
    expect(asked).toEqual(['Deletes everything; backup /backup/r1/cp1.tar, token ****']);
    expect(run.result).toMatchObject({ status: 'paused', waiting: [{ kind: 'confirmation', detail: 'destructive step wipe needs the confirmation phrase "lab": Deletes everything; backup /backup/r1/cp1.tar, token ****' }] });
  });

  it('records a manual step\'s checklist and values, from presets when non-interactive', async () => {
    const steps = "  - id: window\n    manual:\n      instructions: Ask\n      checklist: [approved]\n      record: [ { name: ticket, prompt: Ticket } ]\n  - id: use\n    run: echo ${{ steps.window.outputs.ticket }}\n";
    const stopped = await fakeRun({ runbook: runbook(steps), operator: presets({ approve: ['window'] }), reply: () => ({}) });
    expect(stopped.result).toMatchObject({ status: 'paused', reason: 'needs-operator' });
    const run = await fakeRun({ runbook: runbook(steps), operator: presets({ approve: ['window'], record: [['window.ticket', 'CHG-42']] }), reply: () => ({}) });
    expect(run.requests.map(scriptOf)).toEqual(["echo 'CHG-42'"]);
    expect(run.journal.find((e) => e.type === 'confirmation')).toMatchObject({ step: 'window', checklist: ['approved'], via: 'flag' });
  });

  it('an outcome lost with the connection is unknown: rerun only for idempotent steps, else the operator decides', async () => {
    const lost = { outcome: { kind: 'unknown', reason: 'connection lost' } } as const;
    const safe = await fakeRun({ runbook: runbook('  - id: s\n    idempotent: true\n    run: x\n'), reply: (_r, call) => (call === 0 ? lost : {}) });
    expect(safe.result).toEqual({ status: 'succeeded' });
    expect(safe.requests).toHaveLength(2);
    const unsafe = await fakeRun({ runbook: runbook('  - id: u\n    run: x\n'), reply: () => lost });
    expect(unsafe.requests).toHaveLength(1);
    expect(unsafe.result).toMatchObject({ status: 'paused', reason: 'needs-operator', waiting: [{ kind: 'decision', step: 'u' }] });
    // Resume with a decision: marked done, it never runs again.
    const resumed = await fakeRun({ runbook: runbook('  - id: u\n    run: x\n  - id: v\n    run: y\n'), previous: unsafe.journal, operator: presets({ decide: [['u', 'done']] }), reply: () => ({}) });
    expect(resumed.requests.map(scriptOf)).toEqual(['y']);
    expect(resumed.result).toEqual({ status: 'succeeded' });
  });

  it('after a crash, completed units never rerun and outputs come back from the journal', async () => {
    const steps = "  - id: a\n    run: x\n    capture: { v: {} }\n  - id: b\n    on: all\n    run: y\n  - id: c\n    run: echo ${{ steps.a.outputs.v }}\n";
    const first = await fakeRun({ site: SITE, runbook: runbook(steps), reply: (r) => ({ stdout: 'value', ...(hostOf(r) === 'h3' ? { outcome: { kind: 'exited', exitCode: 9 } } : {}) }) });
    expect(first.result).toMatchObject({ status: 'paused', reason: 'step-failed' });
    const second = await fakeRun({ site: SITE, runbook: runbook(steps), previous: first.journal, reply: () => ({}) });
    // Only the failed host of b, then c, with a's output restored.
    expect(second.requests.map((r) => `${hostOf(r)}:${scriptOf(r)}`)).toEqual(['h3:y', "local:echo 'value'"]);
    expect(second.result).toEqual({ status: 'succeeded' });
  });

  it('masks secrets in output events and the journal; a capture that held one fails its step, naming it', async () => {
    const run = await fakeRun({
      runbook: runbook("  - id: s\n    run: login ${{ params.pw }}\n    capture: { said: {} }\n", 'params:\n  pw: { secret: true }\n'),
      params: { pw: { value: 'hunter22', source: 'env', secret: true } },
      reply: () => ({ stdout: 'token hunter22 ok' }),
    });
    expect(scriptOf(run.requests[0]!)).toBe("login 'hunter22'");
    const everything = JSON.stringify(run.events) + JSON.stringify(run.journal);
    expect(everything).not.toContain('hunter22');
    expect(run.state.steps.get('s')!.outputs).toEqual({});
    expect(run.state.steps.get('s')!.units.values().next().value).toMatchObject({ status: 'failed', reason: expect.stringContaining('capture "said" held a secret (shown as ****)') });
  });

  it('a rehearsal skips a readonly step that needs what a skipped step would have produced', async () => {
    const steps = "  - id: make\n    run: x\n    capture: { v: {} }\n  - id: look\n    readonly: true\n    run: cat ${{ steps.make.outputs.v }}\n  - id: peek\n    readonly: true\n    run: ls\n";
    const run = await fakeRun({ mode: 'rehearse', runbook: runbook(steps), reply: () => ({}) });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(run.requests.map(scriptOf)).toEqual(['ls']);
    expect(run.state.steps.get('look')).toMatchObject({ status: 'skipped', reason: 'rehearsal: needs what make produces, which this rehearsal did not run' });
  });

  it('a condition over the output of a skipped step fails the step clearly instead of crashing', async () => {
    const steps = "  - id: maybe\n    when: false\n    run: x\n    capture: { v: {} }\n  - id: after\n    when: ${{ steps.maybe.outputs.v == 'yes' }}\n    onFailure: abort\n    run: y\n";
    const run = await fakeRun({ runbook: runbook(steps), reply: () => ({}) });
    expect(run.result).toMatchObject({ status: 'paused', reason: 'step-failed' });
    expect(run.requests).toHaveLength(0);
    expect(run.state.steps.get('after')!.units.values().next().value).toMatchObject({ status: 'failed', reason: expect.stringContaining('steps.maybe.outputs') });
  });

  it('an interrupt cancels the running step: its outcome is unknown and the run pauses', async () => {
    const run = await fakeRun({ runbook: runbook('  - id: long\n    run: x\n  - id: next\n    run: y\n'), abortAfterMs: 30, reply: () => ({ delayMs: 5000 }) });
    expect(run.result).toMatchObject({ status: 'paused', reason: 'interrupted' });
    expect(run.state.steps.get('long')!.units.values().next().value).toMatchObject({ status: 'unknown', reason: 'interrupted by the operator while running' });
    expect(run.requests).toHaveLength(1);
  });
});
