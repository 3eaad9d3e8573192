import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { tmuxServer } from './tmux.js';

/**
 * The operator's terminal closes (an SSH session drops) while a reviewed destructive step runs: fieldbook stops
 * writing to the gone terminal, cuts the step off, judges what it printed against the reviewed list and journals
 * the pause, then ends as a hung-up process. Killing the tmux server closes the pane's terminal for real.
 */

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: hup, title: Hang-up }
steps:
  - id: preview
    readonly: true
    run: printf 'team/a:1\\n'
    capture: { candidates: { lines: true } }
  - id: prune
    destructive: true
    confirm:
      review: \${{ steps.preview.outputs.candidates }}
    run: |
      echo "deleted prod/payments:stable"
      sleep 20
      echo "deleted team/a:1"
    capture: { deleted: { regex: '^deleted (\\S+)$', all: true } }
    expect:
      withinReview: { output: deleted }
`;

describe('a terminal that hangs up', () => {
  for (const ui of ['plain', 'tui']) {
    it(`pauses the run with --ui ${ui}, the running step judged against its reviewed list`, async () => {
      const dir = tempDirForTest();
      writeFixture(dir, 'site.yaml', SITE_LOCAL);
      writeFixture(dir, 'hup.yaml', RUNBOOK);
      const first = await runCli(['run', 'hup.yaml', '--site', 'site.yaml', '--run-id', 'r', '--ui', 'plain'], { cwd: dir });
      const digest = /--approve prune=([0-9a-f]{32})/.exec(first.stdout)?.[1];
      const tmux = tmuxServer(dir);
      tmux.start(`node ${CLI} resume r --ui ${ui} --approve prune=${digest}`);
      await tmux.waitFor(/[|│] deleted prod\/payments:stable/); // its output, not the command shown
      tmux.tmux('kill-server');
      const journal = join(dir, '.fieldbook', 'runs', 'r', 'journal.jsonl');
      // The first run paused for the approval; wait for this resume's pause.
      const pauses = () => readFileSync(journal, 'utf8').split('"type":"run-paused"').length - 1;
      for (let i = 0; i < 200 && pauses() < 2; i++) await new Promise((r) => setTimeout(r, 50));
      const text = readFileSync(journal, 'utf8');
      const events = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(events.find((e) => e['type'] === 'unit-finished' && (e['unit'] as { step: string }).step === 'prune'), text).toMatchObject({ outcome: 'failed', unreviewed: ['prod/payments:stable'] });
      expect(events.at(-1)).toMatchObject({ type: 'run-paused' });
      // Then it closes the run and lets its lock go.
      const lock = join(dir, '.fieldbook', 'runs', 'r', 'lock');
      for (let i = 0; i < 200 && existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(lock)).toBe(false);
    }, 60_000);
  }
});
