import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO, runCli } from '../harness/cli.js';

// Every runbook in runbooks/ and every example site in examples/ validates, alone and with the sites it is meant for.
const yamlIn = (dir: string) => readdirSync(join(REPO, dir)).filter((f) => f.endsWith('.yaml')).map((f) => `${dir}/${f}`);
const runbooks = yamlIn('runbooks');
const sites = yamlIn('examples').filter((f) => (parse(readFileSync(join(REPO, f), 'utf8')) as { kind?: string }).kind === 'Site');

/** A site fits a runbook when it fills every role the runbook needs. */
function fits(runbook: string, site: string): boolean {
  const roles = Object.entries((parse(readFileSync(join(REPO, runbook), 'utf8')) as { roles?: Record<string, { min?: number }> }).roles ?? {});
  const filled = (parse(readFileSync(join(REPO, site), 'utf8')) as { roles?: Record<string, string[]> }).roles ?? {};
  return roles.every(([name, spec]) => spec.min === 0 || (filled[name]?.length ?? 0) > 0);
}

test('there is at least one shipped runbook and one example site', () => {
  expect(runbooks.length).toBeGreaterThan(0);
  expect(sites.length).toBeGreaterThan(0);
});

describe.each(runbooks)('%s', (runbook) => {
  test('starts with the yaml-language-server schema line', () => {
    expect(readFileSync(join(REPO, runbook), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../docs/schema/runbook.schema.json');
  });

  test('validates alone and with every example site that fills its roles', async () => {
    const pairs = sites.filter((site) => fits(runbook, site));
    for (const args of [[runbook], ...pairs.map((site) => [runbook, '--site', site])]) {
      const result = await runCli(['validate', ...args], { cwd: REPO });
      expect(result.stderr, args.join(' ')).toBe('');
      expect(result.code).toBe(0);
    }
  });
});

test.each(sites)('%s starts with the site schema line and fits at least one shipped runbook', (site) => {
  expect(readFileSync(join(REPO, site), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../docs/schema/site.schema.json');
  expect(runbooks.some((runbook) => fits(runbook, site))).toBe(true);
});
