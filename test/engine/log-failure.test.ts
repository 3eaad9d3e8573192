import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/**
 * A unit's log is created while its command starts. When it cannot be (a file where its directory should be:
 * the same as a full or read-only disk), the command has run all the same: its outcome is journaled, then the
 * run stops with one clear line, and no later step starts.
 */
describe('a step log that cannot be written', () => {
  it('journals the outcome of the command that ran, then stops the run with a one-line error', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(
      dir,
      'runbook.yaml',
      `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: log-failure, title: Log failure }
steps:
  - id: block
    run: ': > "$FIELDBOOK_HOME/runs/r/logs/victim"'
  - id: victim
    run: 'echo ran > victim-ran'
  - id: after
    run: 'echo after > after-ran'
`,
    );
    const result = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: cannot write the step's log: E(EXIST|NOTDIR)\b.*logs\/victim/)]);
    expect(existsSync(join(dir, 'victim-ran'))).toBe(true);
    expect(existsSync(join(dir, 'after-ran'))).toBe(false);
    const events = readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; unit?: { step: string }; outcome?: string });
    expect(events.filter((e) => e.type === 'unit-finished' && e.unit?.step === 'victim').map((e) => e.outcome)).toEqual(['succeeded']);
  });
});
