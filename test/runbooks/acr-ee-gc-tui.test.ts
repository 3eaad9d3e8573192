import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, REPO, runCli } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hasTmux, tmuxServer } from '../tui/tmux.js';

/** The console-only runbook, walked through by a person in the terminal UI: every dialog, every recorded value. */

interface ManualStep {
  id: string;
  title: string;
  destructive?: boolean;
  manual: { checklist?: string[]; record?: { name: string }[] };
}

describe('acr-ee-gc in the terminal UI', () => {
  it('walks every manual step: typed confirmation, checklists, recorded evidence', { timeout: 120_000 }, async () => {
    expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
    const dir = tempDirForTest();
    const steps = (parse(readFileSync(join(REPO, 'runbooks', 'acr-ee-gc.yaml'), 'utf8')) as { steps: ManualStep[] }).steps;
    const term = tmuxServer(dir);
    term.start(`node ${CLI} run acr-ee-gc --site ${join(REPO, 'examples', 'acr-ee.yaml')} --run-id e2e`);

    const recorded = new Map<string, string>();
    for (const step of steps) {
      if (step.destructive) {
        await term.waitFor('Type "acr-ee-hangzhou" to run it:');
        term.keys('acr-ee-hangzhou', 'Enter');
      }
      const screen = await term.waitFor(new RegExp(`MANUAL STEP[\\s\\S]*${step.title.slice(0, 30).replace(/[()]/g, '.')}`));
      for (const item of step.manual.checklist ?? []) expect(screen).toContain(item.split('${{')[0]!.slice(0, 25));
      // One key at a time: a terminal may deliver keys typed together as one chunk.
      for (let i = 1; i <= (step.manual.checklist ?? []).length; i++) {
        term.keys(' ');
        await term.waitFor(new RegExp(`(\\[x\\][\\s\\S]*){${i}}`));
      }
      const records = step.manual.record ?? [];
      if (records.length === 0) term.keys('Enter');
      for (const record of records) {
        const value = `${step.id}-${record.name}-1`;
        recorded.set(`${step.id}.${record.name}`, value);
        term.keys(value);
        // A long prompt cuts the value off on an 80-column screen; the journal check below sees every character.
        await delay(200);
        term.keys('Enter');
      }
    }
    await term.waitFor('EXIT=0');

    const shown = await runCli(['show', 'e2e', '--json'], { cwd: dir });
    const state = JSON.parse(shown.stdout) as { steps: { id: string; status: string; outputs: Record<string, string> }[]; records: { kind: string; step: string; text: string }[] };
    expect(state.steps.map((s) => [s.id, s.status])).toEqual(steps.map((s) => [s.id, 'succeeded']));
    for (const [key, value] of recorded) {
      const [id, name] = key.split('.') as [string, string];
      expect(state.steps.find((s) => s.id === id)!.outputs[name]).toBe(value);
    }
    expect(state.records.find((r) => r.step === 'run-gc' && r.kind === 'confirmation' && r.text.includes('acr-ee-hangzhou'))).toBeDefined();
  });
});
