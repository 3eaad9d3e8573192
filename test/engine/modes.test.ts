import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: modes, title: Modes }
params:
  target: { required: true }
steps:
  - id: look
    readonly: true
    run: ls "\${{ params.target }}" > looked; echo "files=$(ls \${{ params.target }} | wc -l)"
    capture: { files: { regex: 'files=(\\d+)' } }
  - id: create
    run: touch "\${{ params.target }}/created-by-create"
  - id: wipe
    destructive: true
    confirm: { phrase: wipe-it }
    run: touch "\${{ params.target }}/created-by-wipe"
  - id: each
    foreach: [a, b]
    run: touch "\${{ params.target }}/item-\${{ item }}"
  - id: ask
    manual: { instructions: "Check the files", checklist: [ "looked at them" ] }
`;

/** The run's files and the steps' target are one directory, so "nothing was created" covers both. */
function setup(): { dir: string; target: string } {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'modes.yaml', RUNBOOK);
  return { dir, target: dir };
}

describe('dry run and rehearsal', () => {
  it('--dry-run executes nothing, creates no file, and shows every resolved command and confirmation', async () => {
    const { dir, target } = setup();
    const before = readdirSync(target).sort();
    const result = await runCli(['run', 'modes.yaml', '--site', 'site.yaml', '--param', `target=${target}`, '--dry-run', '--ui', 'plain', '--run-id', 'dry'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('DRY-RUN');
    expect(result.stdout).toContain(`'${target}'"/created-by-create"`);
    expect(result.stdout).toContain('would run wipe after the operator types "wipe-it"');
    expect(result.stdout).toContain('would capture: files');
    expect(result.stdout).toMatch(/for a:\n.*item-/);
    // Nothing ran: no file appeared next to the runbook except the run directory.
    expect(readdirSync(target).sort()).toEqual([...before, '.fieldbook'].sort());
    expect(existsSync(join(target, 'looked'))).toBe(false);
    const shown = await runCli(['show', 'dry'], { cwd: dir });
    expect(shown.stdout).toContain('mode dry-run');
    expect(shown.stdout).toContain('– create skipped (dry run: nothing runs)');
  });

  it('--rehearse runs readonly steps only and shows the rest resolved with what they produced', async () => {
    const { dir, target } = setup();
    const result = await runCli(['run', 'modes.yaml', '--site', 'site.yaml', '--param', `target=${target}`, '--rehearse', '--ui', 'plain', '--run-id', 'reh'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('REHEARSAL');
    expect(existsSync(join(target, 'looked'))).toBe(true);
    for (const name of ['created-by-create', 'created-by-wipe', 'item-a', 'item-b']) expect(existsSync(join(target, name))).toBe(false);
    expect(result.stdout).toContain('create skipped: rehearsal: only readonly steps run');
  });
});
