import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, SITE_LOCAL, writeFixture, type CliResult } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** Issue #16 item 6: inputs that once gave "internal error" (exit 1) give one line a person can act on (exit 2). */

const HEADER = 'apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: limits, title: Limits }\n';

function setup(runbook: string): string {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', HEADER + runbook);
  return dir;
}

const STEP = 'steps:\n  - id: a\n    run: echo hi\n';

/** Exit 2 with exactly one line on stderr, no stack and no "internal error". */
function refused(result: CliResult, line: string | RegExp): void {
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  if (typeof line === 'string') expect(result.stderr).toBe(`${line}\n`);
  else expect(result.stderr).toMatch(line);
  expect(result.code).toBe(2);
}

describe('limits on what fieldbook reads, each a one-line error with exit 2', () => {
  it('a 300 KB line in a script is just a long line: validate accepts it', async () => {
    const dir = setup(`steps:\n  - id: a\n    run: echo ${'x'.repeat(300_000)}\n`);
    const result = await runCli(['validate', 'runbook.yaml'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('ok: runbook.yaml (1 step)\n');
    expect(result.code).toBe(0);
  });

  it.each([
    ['5,000 parentheses', `${'('.repeat(5_000)}true${')'.repeat(5_000)}`],
    ['100,000 "!"', `${'!'.repeat(100_000)}true`],
    ['a chain of 10,000 "&&"', `${'true && '.repeat(10_000)}true`],
  ])('an expression nested too deep (%s) is refused where it is', async (_, expr) => {
    const dir = setup(`steps:\n  - id: a\n    run: echo \${{ ${expr} }}\n`);
    const result = await runCli(['validate', 'runbook.yaml'], { cwd: dir });
    refused(result, /^runbook\.yaml:6:\d+: steps\[0\]\.run: expression nested more than 32 levels deep \(parentheses, "!", "&&" or "\|\|" in a row\); split it up\n$/);
  });

  it('a param named constructor (or __proto__) is refused by validate; referenced or given, it is unknown', async () => {
    const declared = setup('params:\n  constructor: { default: x }\n' + STEP);
    refused(await runCli(['validate', 'runbook.yaml'], { cwd: declared }), 'runbook.yaml:5:3: params.constructor: bad key: "constructor" is a name JavaScript reserves for every object; choose another');
    const proto = setup('params:\n  __proto__: { default: x }\n' + STEP);
    refused(await runCli(['validate', 'runbook.yaml'], { cwd: proto }), 'runbook.yaml:5:3: "__proto__" cannot be a key: it is a name JavaScript reserves for every object');
    const referenced = setup('steps:\n  - id: a\n    run: echo ${{ params.constructor }}\n');
    refused(await runCli(['validate', 'runbook.yaml'], { cwd: referenced }), 'runbook.yaml:6:15: steps[0].run: unknown param "constructor"');
    const given = setup(STEP);
    refused(await runCli(['plan', 'runbook.yaml', '--site', 'site.yaml', '--param', 'constructor=1'], { cwd: given }), 'error: --param constructor: the runbook has no param "constructor"; it takes no params');
    const onRole = setup('steps:\n  - id: a\n    on: constructor\n    run: echo hi\n');
    refused(await runCli(['validate', 'runbook.yaml', '--site', 'site.yaml'], { cwd: onRole }), /^runbook\.yaml:6:9: steps\[0\]\.on: unknown role "constructor"/);
  });

  it('a 300-character step id is refused by validate, before it could lose its log', async () => {
    const dir = setup(`steps:\n  - id: ${'s'.repeat(300)}\n    run: echo hi\n`);
    refused(await runCli(['validate', 'runbook.yaml'], { cwd: dir }), 'runbook.yaml:5:9: steps[0].id: expected at most 64 characters, found 300');
  });

  it('a 300-character run id is refused before anything is created', async () => {
    const dir = setup(STEP);
    const result = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r'.repeat(300)], { cwd: dir });
    refused(result, 'error: --run-id rrrrrrrrrrrrrrrrrrrr...: at most 128 characters (found 300)');
  });

  it('--runs-dir naming a file, /proc or a place that refuses new directories', async () => {
    const dir = setup(STEP);
    writeFixture(dir, 'a-file', '');
    const run = (runsDir: string) => runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--runs-dir', runsDir], { cwd: dir });
    refused(await run('a-file'), `error: runs directory ${join(dir, 'a-file')} cannot hold runs: it is a file, not a directory; choose another with --runs-dir`);
    refused(await run('/proc'), 'error: runs directory /proc cannot hold runs: nothing can be created there (a /proc or /sys path?); choose another with --runs-dir');
    refused(await run('/sys/fieldbook-runs'), /^error: runs directory \/sys\/fieldbook-runs cannot hold runs: (the file system does not allow it|permission denied); choose another with --runs-dir\n$/);
    refused(await runCli(['runs', '--runs-dir', 'a-file'], { cwd: dir }), `error: runs directory ${join(dir, 'a-file')} is a file, not a directory; choose another with --runs-dir`);
    refused(await runCli(['show', 'x', '--runs-dir', 'a-file'], { cwd: dir }), `error: runs directory ${join(dir, 'a-file')} is a file, not a directory; choose another with --runs-dir`);
  });

  it('--runs-dir on a read-only mount (a private mount namespace, as root, as the bundle test runs offline)', () => {
    const dir = setup(STEP);
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    const cli = [process.execPath, CLI, 'run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--runs-dir', join(ro, 'runs')];
    const result = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"', ro, ...cli], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, FIELDBOOK_HOME: join(dir, '.fieldbook') },
      encoding: 'utf8',
    });
    refused({ code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, killed: false }, `error: runs directory ${join(ro, 'runs')} cannot hold runs: the file system is read-only; choose another with --runs-dir`);
  });

  it('/dev/zero and a FIFO are refused at once, as runbook, site, params file or archive', async () => {
    const dir = setup(STEP);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const started = Date.now();
    refused(await runCli(['validate', '/dev/zero'], { cwd: dir }), '/dev/zero: is a character device; expected a YAML file (only regular files are read)');
    refused(await runCli(['validate', 'fifo'], { cwd: dir }), 'fifo: is a FIFO (named pipe); expected a YAML file (only regular files are read)');
    refused(await runCli(['validate', 'runbook.yaml', '--site', '/dev/zero'], { cwd: dir }), '/dev/zero: is a character device; expected a YAML file (only regular files are read)');
    refused(await runCli(['plan', 'runbook.yaml', '--site', 'site.yaml', '--params-file', 'fifo'], { cwd: dir }), 'error: --params-file fifo: is a FIFO (named pipe); expected a YAML file (only regular files are read)');
    refused(await runCli(['import', 'fifo'], { cwd: dir }), `error: ${join(dir, 'fifo')}: is a FIFO (named pipe); expected a .tar.gz file (only regular files are read)`);
    refused(await runCli(['import', '/dev/zero'], { cwd: dir }), 'error: /dev/zero: is a character device; expected a .tar.gz file (only regular files are read)');
    // Six CLI starts; reading /dev/zero used to go on for minutes.
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 40_000);

  it('a path longer than 1024 characters is refused before it is used', async () => {
    const dir = setup(STEP);
    const long = 'x'.repeat(2_000);
    refused(await runCli(['validate', long], { cwd: dir }), `${long}: path is 2000 characters long; at most 1024`);
    refused(await runCli(['runs', '--runs-dir', `/tmp/${long}`], { cwd: dir }), `error: runs directory /tmp/${'x'.repeat(35)}...: the path is 2005 characters long; at most 1024`);
  });
});
