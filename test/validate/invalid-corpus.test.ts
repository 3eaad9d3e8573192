import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { REPO, runCli, type CliResult } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

// The broken-file corpus (test/fixtures/invalid/expected.yaml): each case runs the real CLI, as a user would.
const CORPUS = join(REPO, 'test', 'fixtures', 'invalid');

interface Case {
  runbook: string;
  site?: string;
  first: string;
  lines?: number;
  schemaLine?: boolean;
}
const expected = parse(readFileSync(join(CORPUS, 'expected.yaml'), 'utf8')) as { exitCode: number; cases: Case[] };

/** `node bin/fieldbook.js <args>` from the repository root, so paths print relative to it. */
const fieldbook = (args: string[]): Promise<CliResult> => runCli(args, { cwd: REPO });

const fixture = (name: string) => relative(REPO, join(CORPUS, name));
const argsOf = (c: Case) => ['validate', fixture(c.runbook), ...(c.site ? ['--site', fixture(c.site)] : [])];
const label = (c: Case) => (c.site && !c.site.startsWith('_base/') ? c.site : c.runbook);

/** What every failed `validate` must look like: exit 2, nothing on stdout, at most 5 problems, no stack. */
function expectValidationFailure(result: CliResult, check: typeof expect): string[] {
  const lines = result.stderr.replace(/\n$/, '').split('\n');
  check(result.code, result.stderr).toBe(expected.exitCode);
  check(result.stdout).toBe('');
  check(result.stderr).not.toMatch(/^\s+at /m);
  check(result.stderr).not.toMatch(/internal error|Error:/);
  check(lines.length).toBeLessThanOrEqual(6);
  if (lines.length === 6) check(lines[5]).toMatch(/^\.\.\. and \d+ more problems?$/);
  for (const line of lines.slice(0, 5)) if (!line.startsWith('...')) check(line).toMatch(/^[^:\s]+(:\d+:\d+)?: \S/);
  return lines;
}

if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` before this test (npm test does)');

describe('the broken-file corpus', () => {
  test('has at least 40 cases and every fixture belongs to one', () => {
    expect(expected.cases.length).toBeGreaterThanOrEqual(40);
    const used = new Set(expected.cases.flatMap((c) => [c.runbook, c.site]).filter((f) => f !== undefined));
    const files = readdirSync(CORPUS).filter((f) => /\.(runbook|site)\.yaml$/.test(f));
    expect(files.filter((f) => !used.has(f))).toEqual([]);
    const missing = [...used].filter((f) => !existsSync(join(CORPUS, f)));
    expect(missing).toEqual(['78-does-not-exist.runbook.yaml']);
  });

  test('every fixture starts with the yaml-language-server schema line of its kind, unless the first line is the case', () => {
    const exempt = new Set(expected.cases.filter((c) => c.schemaLine === false).map((c) => c.runbook));
    const files = [...readdirSync(CORPUS), ...readdirSync(join(CORPUS, '_base')).map((f) => `_base/${f}`)].filter((f) => f.endsWith('.yaml') && f !== 'expected.yaml');
    for (const file of files.filter((f) => !exempt.has(f))) {
      const kind = /site\.yaml$/.test(file) ? 'site' : 'runbook';
      const first = readFileSync(join(CORPUS, file), 'latin1').split('\n')[0]!;
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(match?.[1], file).toBeDefined();
      expect(resolve(dirname(join(CORPUS, file)), match![1]!), file).toBe(join(REPO, 'docs', 'schema', `${kind}.schema.json`));
    }
  });

  describe.concurrent('validate prints the expected first line', () => {
    test.for(expected.cases.map((c) => [label(c), c] as const))('%s', async ([, c], { expect: check }) => {
      const result = await fieldbook(argsOf(c));
      const lines = expectValidationFailure(result, check);
      check(lines[0]).toBe(c.first);
      check(lines.length, result.stderr).toBe(c.lines ?? 1);
    });
  });

  test('a 10 MB file is refused before it is read', async () => {
    const file = join(tempDirForTest(), 'huge.runbook.yaml');
    const step = (i: number) => `  - id: step-${String(i).padStart(7, '0')}\n    run: echo ${String(i).padStart(7, '0')}\n`;
    const head = '# yaml-language-server: $schema=../docs/schema/runbook.schema.json\napiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: huge, title: Huge }\nsteps:\n';
    const count = Math.ceil((10 * 1024 * 1024 - head.length) / step(0).length);
    writeFileSync(file, head + Array.from({ length: count }, (_, i) => step(i)).join(''));
    const started = performance.now();
    const result = await fieldbook(['validate', file]);
    const lines = expectValidationFailure(result, expect);
    expect(lines).toEqual([`${file}: file is 10.0 MiB; a runbook or site file is at most 1 MiB`]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test('problems of the runbook and the site are reported together, most important first', async () => {
    const result = await fieldbook(['validate', fixture('69-many-problems.runbook.yaml'), '--site', fixture('57-role-undefined-host.site.yaml')]);
    const lines = expectValidationFailure(result, expect);
    // The site's own problem and the runbook's reference problems all rank as references: by file, then line.
    expect(lines[0]).toBe(`${fixture('57-role-undefined-host.site.yaml')}:10:28: roles.controlPlane[2]: host "cp03" is not defined (did you mean "cp3"?)`);
    expect(lines.at(-1)).toMatch(/^\.\.\. and \d+ more problems$/);
  });
});
