import { describe, expect, it } from 'vitest';
import { nobody, type Operator } from '../../src/engine/operator.js';
import type { ResolvedParam } from '../../src/plan/params.js';
import { fakeRun, scriptOf } from './fake-run.js';

/**
 * The engine's own refusals, for secrets `validate` cannot see in the runbook (the fake run does not validate,
 * so the same runbooks reach the engine): nothing runs with the secret, nothing records it.
 */

const SECRET = 'Tk9-s3cr3t-value';
const head = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: guards, title: Guards }
params:
  token: { secret: true, required: true }
  tokens: { type: list, secret: true, required: true }
steps:
`;
const params: Record<string, ResolvedParam> = {
  token: { value: SECRET, source: 'env', secret: true },
  tokens: { value: ['plain', SECRET], source: 'env', secret: true },
};
const recorded = (run: { journal: unknown[] }) => JSON.stringify(run.journal);

describe('the engine refuses a secret where it cannot go', () => {
  it('a foreach item: the step cannot start, and no item is journaled', async () => {
    const run = await fakeRun({ runbook: `${head}  - id: each\n    foreach: \${{ params.tokens }}\n    run: echo \${{ item }}\n`, params, reply: () => ({}) });
    expect(run.requests).toEqual([]);
    expect(recorded(run)).toContain('item 2 of its foreach list holds a secret (****)');
    expect(recorded(run)).not.toContain(SECRET);
  });

  it("kubectl's argv: the unit fails before kubectl starts", async () => {
    const run = await fakeRun({ runbook: `${head}  - id: create\n    kubectl:\n      args: [create, secret, generic, x, "--from-literal=pw=\${{ params.token }}"]\n`, params, reply: () => ({}) });
    expect(run.requests).toEqual([]);
    expect(recorded(run)).toContain('kubectl.args[4] holds a secret (--from-literal=pw=****)');
    expect(recorded(run)).not.toContain(SECRET);
  });

  it('a pod whose name holds a secret (pods: all)', async () => {
    const runbook = `${head}  - id: each-pod\n    kubectl:\n      exec: { selector: app=x, pods: all }\n      run: hostname\n`;
    const run = await fakeRun({ runbook, params, pods: ['web-1', `web-${SECRET}`], reply: () => ({}) });
    expect(run.requests).toEqual([]);
    expect(recorded(run)).toContain('the name of pod 2 of the selector holds a secret');
    expect(recorded(run)).not.toContain(SECRET);
  });

  it('a capture that held a secret fails its step; a literal **** from a stream with no secret is a value', async () => {
    const runbook = `${head}  - id: login\n    run: login\n    capture: { session: { regex: 'session=(.+)' } }\n  - id: use\n    run: echo \${{ steps.login.outputs.session }}\n`;
    const leaked = await fakeRun({ runbook, params, reply: (r) => ({ stdout: scriptOf(r) === 'login' ? `session=${SECRET}\n` : '' }) });
    expect(leaked.requests.map(scriptOf)).toEqual(['login']);
    expect(recorded(leaked)).toContain('capture \\"session\\" held a secret');
    const literal = await fakeRun({ runbook, params, reply: (r) => ({ stdout: scriptOf(r) === 'login' ? 'session=****\n' : '' }) });
    expect(literal.result).toEqual({ status: 'succeeded' });
    expect(literal.requests.map(scriptOf)).toEqual(['login', "echo '****'"]);
  });

  it('a capture that decodes or assembles a secret the output never showed whole (\\u escapes, a query joining halves)', async () => {
    const escaped = SECRET.replace('s', '\\u0073');
    const halves = [SECRET.slice(0, 6), SECRET.slice(6)];
    const stdout = `{"a":"${escaped}","b":"${halves[0]}","c":"${halves[1]}"}`;
    for (const capture of ["{ json: true, path: a }", "{ json: true, query: \"join('', [b, c])\" }"]) {
      const run = await fakeRun({ runbook: `${head}  - id: read
    run: read
    capture: { v: ${capture} }
`, params, reply: () => ({ stdout }) });
      expect(recorded(run)).toContain('capture \\"v\\" held a secret');
      expect(recorded(run)).not.toContain(SECRET);
    }
  });

  it('a query whose from_json gives a value nested deeper than the limit fails its step, clearly', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const run = await fakeRun({ runbook: `${head}  - id: read
    run: read
    capture: { v: { json: true, query: 'from_json(s)' } }
`, params, reply: () => ({ stdout: JSON.stringify({ s: deep }) }) });
    expect(run.journal.find((e) => e.type === 'unit-finished')).toMatchObject({ outcome: 'failed', reason: 'capture v: query from_json(s) gives a value nested more than 100 levels deep; fieldbook reads at most 100' });
  });
});

describe('secret records', () => {
  it('reach later commands with their real value, and the journal as ****', async () => {
    const runbook = `${head}  - id: vault\n    manual:\n      instructions: Read it.\n      record: [ { name: key, prompt: Key, secret: true } ]\n  - id: use\n    run: use \${{ steps.vault.outputs.key }}\n`;
    const operator: Operator = { ...nobody, manual: async () => ({ values: { key: SECRET }, via: 'prompt' }) };
    const run = await fakeRun({ runbook, params, operator, reply: () => ({ stdout: `got ${SECRET}\n` }) });
    expect(run.result).toEqual({ status: 'succeeded' });
    expect(run.requests.map(scriptOf)).toEqual([`use '${SECRET}'`]);
    expect(recorded(run)).not.toContain(SECRET);
    expect(recorded(run)).toContain('"key":"****"');
  });
});
