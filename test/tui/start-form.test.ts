import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hasTmux, tmuxServer } from './tmux.js';

/** On a terminal, params nobody gave are asked for before the run starts: values checked, secrets hidden. */
describe('the start form on a terminal', () => {
  it('asks for a missing param (refusing a bad one) and a secret (not echoed), then runs', { timeout: 60_000 }, async () => {
    expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'form.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: form, title: Start form }
params:
  registry: { description: "Registry host:port", required: true, pattern: '^[a-z0-9.-]+:[0-9]+$' }
  password: { secret: true, required: true }
steps:
  - id: use
    run: echo "\${{ params.registry }} \${{ params.password }}" > used.txt
`);
    const term = tmuxServer(dir);
    term.start(`node ${CLI} run form.yaml --site site.yaml --run-id form`);
    await term.waitFor('registry (Registry host:port) [matching ^[a-z0-9.-]+:[0-9]+$]:');
    term.keys('not a registry', 'Enter');
    await term.waitFor('does not match the pattern');
    term.keys('registry.local:5000', 'Enter');
    await term.waitFor('secret password:');
    term.keys('hunter2-secret', 'Enter');
    const screen = await term.waitFor('EXIT=0');
    expect(screen).not.toContain('hunter2-secret');
    expect(readFileSync(join(dir, 'used.txt'), 'utf8')).toBe('registry.local:5000 hunter2-secret\n');
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'form', 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"registry":{"value":"registry.local:5000","source":"prompt","secret":false}');
    expect(journal).not.toContain('hunter2-secret');
  });
});
