import { spawnSync } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** The plain and JSON UIs write to a file or a device straight to its descriptor, to a pipe through the stream. */

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: targets, title: Stdout targets }
steps:
  - id: chatty
    run: seq 1 20000
  - id: after
    run: echo after-done
`;

function setup(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', RUNBOOK);
  return { dir, env: { PATH: process.env['PATH'], HOME: dir, FIELDBOOK_HOME: join(dir, '.fieldbook'), LANG: 'C.UTF-8' } };
}

describe('stdout targets', () => {
  it.each(['plain', 'json'])('--ui %s to a file: every line, in order', (ui) => {
    const { dir, env } = setup();
    const out = openSync(join(dir, 'out.txt'), 'w');
    const result = spawnSync(process.execPath, [CLI, 'run', 'runbook.yaml', '--site', 'site.yaml', '--ui', ui, '--run-id', 'r'], { cwd: dir, env, stdio: ['ignore', out, 'pipe'] });
    closeSync(out);
    expect(result.status).toBe(0);
    const text = readFileSync(join(dir, 'out.txt'), 'utf8');
    if (ui === 'plain') {
      const numbers = text.split('\n').filter((l) => l.startsWith('  chatty | ')).map((l) => Number(l.slice('  chatty | '.length)));
      expect(numbers).toEqual(Array.from({ length: 20000 }, (_, i) => i + 1));
      expect(text.indexOf('after | after-done')).toBeGreaterThan(text.indexOf('chatty | 20000'));
      expect(text).toContain('run finished');
    } else {
      const events = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text?: string });
      const printed = events.filter((e) => e.type === 'output').map((e) => e.text).join('');
      expect(printed).toContain('1\n2\n3\n');
      expect(printed).toContain('19999\n20000\nafter-done\n');
      expect(events.at(-1)?.type).toBe('run-finished');
    }
  });

  it('a reader that goes away (| head) loses only the printed lines: the run finishes and is journaled', () => {
    const { dir, env } = setup();
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" run runbook.yaml --site site.yaml --ui plain --run-id r | head -c 200 >/dev/null`], { cwd: dir, env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"type":"run-finished"');
    expect(journal).toContain('"status":"succeeded"');
    expect(readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'logs', 'after', 'local.log'), 'utf8')).toContain('after-done');
  });
});
