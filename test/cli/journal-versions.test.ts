import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/**
 * Runs outlive fieldbook upgrades. test/fixtures/runs/v1-paused is a run written by journal format 1 (paused at
 * a destructive step); when the format changes, it stays as the previous version's fixture.
 */
function fixtureRun(): { dir: string; runsDir: string; journal: string } {
  const dir = tempDirForTest();
  const runsDir = join(dir, 'runs');
  cpSync(join(REPO, 'test', 'fixtures', 'runs', 'v1-paused'), join(runsDir, 'v1-paused'), { recursive: true });
  return { dir, runsDir, journal: join(runsDir, 'v1-paused', 'journal.jsonl') };
}

describe('journal format versions', () => {
  it('resumes a run written by journal format 1 to its end, with the outputs it recorded', async () => {
    const { dir, runsDir } = fixtureRun();
    const resumed = await runCli(['resume', 'v1-paused', '--runs-dir', runsDir, '--approve', 'wipe', '--ui', 'plain'], { cwd: dir });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("resuming with the run's copy");
    expect(readFileSync(join(dir, 'wiped.txt'), 'utf8')).toBe('wiping after prepared\n');
  });

  it.each([
    [99, 'journal format 99 is newer than this fieldbook understands; upgrade fieldbook (this fieldbook reads format 1)'],
    [0, 'journal format 0 is no longer supported (this fieldbook reads format 1)'],
  ])('refuses journal format %i clearly', async (version, message) => {
    const { dir, runsDir, journal } = fixtureRun();
    writeFileSync(journal, readFileSync(journal, 'utf8').replace('"v":1,', `"v":${version},`));
    const refused = await runCli(['resume', 'v1-paused', '--runs-dir', runsDir, '--approve', 'wipe', '--ui', 'plain'], { cwd: dir });
    expect(refused.stderr).toContain(message);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(refused.code).toBe(4);
  });
});
