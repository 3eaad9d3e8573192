import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

// One open run per site: a live run that is not finished holds its site between processes, so a second run cannot
// undo what the first did (its backup written again over the archive the first run's wipe relies on).

const WIPE = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: wipe, title: 'Back up, wipe, restore' }
steps:
  - id: backup
    run: date +%s%N > backup
  - id: wipe
    destructive: true
    confirm: { phrase: wipe }
    run: echo wiped >> wiped
  - id: restore
    run: test -f fixed
`;

function setup(): string {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'wipe.yaml', WIPE);
  return dir;
}

const run = (dir: string, id: string, ...more: string[]) => runCli(['run', 'wipe.yaml', '--site', 'site.yaml', '--run-id', id, '--ui', 'plain', '--approve', 'wipe', ...more], { cwd: dir });

describe('a site with an open run', () => {
  it('refuses a new live run, naming the run, where it stopped and the destructive step it ran; abandon lets one start', async () => {
    const dir = setup();
    expect((await run(dir, 'a')).code).toBe(1); // paused at restore, after the wipe
    const backup = readFileSync(join(dir, 'backup'), 'utf8');

    const second = await run(dir, 'b');
    expect(second.code).toBe(4);
    expect(second.stderr).toContain('refused: site lab has an open run; a new run there could undo what it did');
    expect(second.stderr).toMatch(/ {2}a \(wipe, started .* by .*\): at step restore, paused \(step-failed\): restore: exit code 1; destructive steps already run: wipe/);
    expect(second.stderr).toContain('go on with it:       fieldbook resume a');
    expect(second.stderr).toContain('or end it for good:  fieldbook abandon a --reason "<why>"');
    expect(readFileSync(join(dir, 'backup'), 'utf8')).toBe(backup); // b's backup never ran
    expect(existsSync(join(dir, '.fieldbook', 'runs', 'b'))).toBe(false);

    // A dry run changes nothing: it goes, and says so.
    const dry = await run(dir, 'dry', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('site lab has an open run, a: a dry run leaves it as it is');

    const runs = await runCli(['runs'], { cwd: dir });
    expect(runs.stdout).toMatch(/^a +wipe +lab +live +paused \(open\)/m);
    expect((await runCli(['show', 'a'], { cwd: dir })).stdout).toContain('  destructive steps run: wipe\n  open: a new live run on site lab is refused until this one is resumed to its end or abandoned');

    expect((await runCli(['abandon', 'a'], { cwd: dir })).stderr).toContain('--reason <why> is required');
    const abandoned = await runCli(['abandon', 'a', '--reason', 'restored by hand, ticket 4411'], { cwd: dir });
    expect(abandoned.code, abandoned.stderr).toBe(0);
    expect(abandoned.stdout).toBe('abandoned run a: restored by hand, ticket 4411\n  its destructive step wipe may have acted on site lab: check the site before a new run\n  site lab has no open run now\n');
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'a', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(journal.at(-1)).toMatchObject({ type: 'run-abandoned', reason: 'restored by hand, ticket 4411', by: { user: expect.any(String) } });

    const resumed = await runCli(['resume', 'a', '--ui', 'plain'], { cwd: dir });
    expect(resumed.code).toBe(4);
    expect(resumed.stderr).toMatch(/run a was abandoned by .* \(restored by hand, ticket 4411\); it cannot be resumed/);
    expect((await runCli(['show', 'a'], { cwd: dir })).stdout).toMatch(/abandoned by .*: restored by hand, ticket 4411/);

    writeFixture(dir, 'fixed', '');
    expect((await run(dir, 'b')).code).toBe(0);
  });

  it('is held until resumed to its end; a finished run or a run on another site do not hold it', async () => {
    const dir = setup();
    expect((await run(dir, 'a')).code).toBe(1);
    writeFixture(dir, 'fixed', '');
    expect((await runCli(['resume', 'a', '--ui', 'plain'], { cwd: dir })).code).toBe(0);
    expect((await run(dir, 'b')).code).toBe(0);

    writeFixture(dir, 'other.yaml', SITE_LOCAL.replace('name: lab', 'name: other'));
    const other = await runCli(['run', 'wipe.yaml', '--site', 'other.yaml', '--run-id', 'c', '--ui', 'plain'], { cwd: dir });
    expect(other.code).toBe(3); // waits for the phrase; site other is now open, lab is not
    expect((await run(dir, 'd')).code).toBe(0);
  });

  it('a crashed run holds its site too; abandon refuses a finished run', async () => {
    const dir = setup();
    const killed = await runCli(['run', 'wipe.yaml', '--site', 'site.yaml', '--run-id', 'k', '--ui', 'plain', '--approve', 'wipe'], {
      cwd: dir,
      killAt: { journal: join(dir, '.fieldbook', 'runs', 'k', 'journal.jsonl'), events: 4 },
    });
    expect(killed.killed).toBe(true);
    const second = await run(dir, 'b');
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(/k \(wipe, .*\): at step \S+, crashed/);
    expect((await runCli(['abandon', 'k', '--reason', 'laptop died; checked by hand'], { cwd: dir })).code).toBe(0);
    writeFixture(dir, 'fixed', '');
    expect((await run(dir, 'b')).code).toBe(0);
    const again = await runCli(['abandon', 'b', '--reason', 'x'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('error: run b is succeeded: only an unfinished live run can be abandoned\n');
  });
});

describe('a site with an open run, from every side', () => {
  it('refuses resuming another run there (a finished one --from a step), and counts a run it cannot read as open', async () => {
    const dir = setup();
    writeFixture(dir, 'fixed', '');
    expect((await run(dir, 'a')).code).toBe(0);
    rmSync(join(dir, 'fixed'));
    expect((await run(dir, 'b')).code).toBe(1); // b is open now
    const again = await runCli(['resume', 'a', '--from', 'wipe', '--ui', 'plain', '--approve', 'wipe'], { cwd: dir });
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('refused: site lab has an open run; resuming run a there could undo what it did');
    expect(readFileSync(join(dir, 'wiped'), 'utf8')).toBe('wiped\nwiped\n'); // a's and b's wipes; not a third

    // b's journal damaged: it may be open, so it still holds the site.
    writeFixture(dir, 'fixed', '');
    const journal = join(dir, '.fieldbook', 'runs', 'b', 'journal.jsonl');
    writeFileSync(journal, readFileSync(journal, 'utf8').replace('"type":"step-started"', '"type":"step-started",,'));
    const c = await run(dir, 'c');
    expect(c.code).toBe(4);
    expect(c.stderr).toMatch(/ {2}b: cannot be read \(.*\), so it may be open on this site: make it readable, or move it out of /);
  });

  it('prints a --runs-dir with spaces and quotes so that it pastes as one word', async () => {
    const dir = setup();
    const runs = join(dir, "my runs; $(touch x)");
    expect((await run(dir, 'a', '--runs-dir', runs)).code).toBe(1);
    const second = await run(dir, 'b', '--runs-dir', runs);
    expect(second.stderr).toContain(`go on with it:       fieldbook resume a --runs-dir '${runs.replace(/'/g, "'\\''")}'`);
  });
});

describe('run directories and ids', () => {
  it('a run id names a run in the runs directory, never a directory of that name in the working directory', async () => {
    const dir = setup();
    writeFixture(dir, 'fixed', '');
    expect((await run(dir, 'r')).code).toBe(0);
    // An extracted export of another run lies in the working directory under the same name.
    mkdirSync(join(dir, 'r'));
    writeFixture(dir, 'r/journal.jsonl', readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'journal.jsonl'), 'utf8').split('\n')[0] + '\n');
    const shown = await runCli(['show', 'r'], { cwd: dir });
    expect(shown.stdout).toContain('run r: succeeded');
    expect(shown.stdout).toContain(`directory ${join(dir, '.fieldbook', 'runs', 'r')}`);
    expect((await runCli(['show', './r'], { cwd: dir })).stdout).toContain(`directory ${join(dir, 'r')}`);
    const missing = await runCli(['show', 'nope/'], { cwd: dir });
    expect(missing.stderr).toBe(`error: nope/: no run directory there (no journal.jsonl in ${join(dir, 'nope')})\n`);
  });

  it('a run refused by the site lock leaves no run directory behind', async () => {
    const dir = setup();
    const slow = WIPE.replace('run: date +%s%N > backup', 'run: sleep 3');
    writeFixture(dir, 'slow.yaml', slow);
    const first = runCli(['run', 'slow.yaml', '--site', 'site.yaml', '--run-id', 'first', '--ui', 'plain', '--approve', 'wipe'], { cwd: dir });
    await waitFor(() => existsSync(join(dir, '.fieldbook', 'runs', 'first', 'logs', 'backup')));
    const second = await run(dir, 'second');
    expect(second.code).toBe(4);
    expect(second.stderr).toContain('.locks/lab.lock is held by pid');
    expect(readdirSync(join(dir, '.fieldbook', 'runs')).sort()).toEqual(['.locks', 'first']);
    await first;
  });
});

describe('unlock', () => {
  it('refuses a lock its live holder still uses; with --force that holder stops before its next step acts', async () => {
    const dir = setup();
    writeFixture(dir, 'slow.yaml', WIPE.replace('run: date +%s%N > backup', 'run: sleep 2'));
    const first = runCli(['run', 'slow.yaml', '--site', 'site.yaml', '--run-id', 'first', '--ui', 'plain', '--approve', 'wipe'], { cwd: dir });
    await waitFor(() => existsSync(join(dir, '.fieldbook', 'runs', 'first', 'logs', 'backup')));
    const refused = await runCli(['unlock', 'first'], { cwd: dir });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/is held by pid \d+ .* which is still running: stop it, or break the lock anyway with --force/);
    const forced = await runCli(['unlock', 'first', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    const stopped = await first;
    expect(stopped.code).toBe(4);
    expect(stopped.stderr).toMatch(/runs\/first\/lock was broken while this process drove the run: it stopped at step (backup|wipe) and writes nothing more to the journal; no step acts after that/);
    expect(existsSync(join(dir, 'wiped'))).toBe(false);
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'first', 'journal.jsonl'), 'utf8');
    expect(journal).not.toContain('"type":"run-paused"');
    expect(journal).not.toContain('"step":"wipe"');
  });
});

async function waitFor(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!ready()) throw new Error('timed out');
}
