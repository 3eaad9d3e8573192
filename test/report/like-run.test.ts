import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/journal/events.js';
import { runCli, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** `fieldbook run --like <run>`: the same procedure on another site, with the params the operator chose before. */

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: keep-tags, title: Keep the newest tags }
params:
  repository: { required: true }
  registry: { required: true }
  keepTags: { type: integer, default: 5 }
  dryList: { type: list, default: [] }
  token: { secret: true, required: true }
steps:
  - id: prune
    run: echo "keep \${{ params.keepTags }} of \${{ params.repository }} on \${{ params.registry }}"
`;

const site = (name: string, registry: string) => `apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: ${name} }\nparams: { registry: "${registry}" }\n`;

function started(dir: string, run: string): Extract<JournalEvent, { type: 'run-started' }> {
  return JSON.parse(readFileSync(join(dir, '.fieldbook', 'runs', run, 'journal.jsonl'), 'utf8').split('\n')[0]!) as Extract<JournalEvent, { type: 'run-started' }>;
}

describe('fieldbook run --like', () => {
  it("reuses the params the operator chose, takes the site's from the new site, lets --param win, records like", async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'rb.yaml', RUNBOOK);
    writeFixture(dir, 'acme.yaml', site('acme', 'reg.acme:5000'));
    writeFixture(dir, 'globex.yaml', site('globex', 'reg.globex:5000'));
    writeFixture(dir, 'params.yaml', 'dryList: [a, b]\n');
    const env = { FIELDBOOK_SECRET_TOKEN: 'tok-1' };
    const first = await runCli(['run', 'rb.yaml', '--site', 'acme.yaml', '--run-id', 'one', '--ui', 'plain', '--param', 'repository=app/web', '--param', 'keepTags=3', '--params-file', 'params.yaml'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);

    const second = await runCli(['run', 'rb.yaml', '--site', 'globex.yaml', '--run-id', 'two', '--ui', 'plain', '--like', 'one', '--param', 'keepTags=7'], { cwd: dir, env: { FIELDBOOK_SECRET_TOKEN: 'tok-2' } });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('note: --like one: reused repository="app/web", dryList=["a","b"]');
    expect(second.stdout).toContain('keep 7 of app/web on reg.globex:5000');
    const event = started(dir, 'two');
    expect(event.like).toBe('one');
    expect(event.params).toEqual({
      repository: { value: 'app/web', source: 'like', secret: false },
      registry: { value: 'reg.globex:5000', source: 'site', secret: false },
      keepTags: { value: 7, source: 'param', secret: false },
      dryList: { value: ['a', 'b'], source: 'like', secret: false },
      token: { source: 'env', secret: true },
    });
    expect((await runCli(['show', 'two'], { cwd: dir })).stdout).toContain('  params like run one');
    expect((await runCli(['report', 'two'], { cwd: dir })).stdout).toContain('| Params like | run `one` |');

    // A run of a run reuses what was reused; an unknown run is a usage error.
    const third = await runCli(['run', 'rb.yaml', '--site', 'acme.yaml', '--run-id', 'three', '--ui', 'plain', '--like', 'two'], { cwd: dir, env });
    expect(started(dir, 'three').params['repository']).toEqual({ value: 'app/web', source: 'like', secret: false });
    expect(started(dir, 'three').params['keepTags']).toEqual({ value: 7, source: 'like', secret: false });
    expect(third.code).toBe(0);
    const missing = await runCli(['run', 'rb.yaml', '--site', 'acme.yaml', '--like', 'nope', '--ui', 'plain'], { cwd: dir, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no run "nope"');
  });
});
