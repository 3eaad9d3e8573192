import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { jsonSchemaFor } from '../../src/schema/json-schema.js';
import { REPO, runCli } from '../harness/cli.js';

// docs/schema/*.json are what editors load through the `yaml-language-server` line; they must match the zod schemas.
// After changing a schema: npm run build && npm run schema:write
const checkedIn = (kind: string) => readFileSync(join(REPO, 'docs', 'schema', `${kind}.schema.json`), 'utf8');

describe.each(['runbook', 'site'] as const)('the %s JSON Schema', (kind) => {
  test(`\`fieldbook schema ${kind}\` prints exactly docs/schema/${kind}.schema.json`, async () => {
    const result = await runCli(['schema', kind], { cwd: REPO });
    expect(result.code).toBe(0);
    expect(result.stdout, 'run `npm run build && npm run schema:write` and commit docs/schema').toBe(checkedIn(kind));
  });

  test('is generated from the zod schema the loader uses', () => {
    expect(JSON.parse(checkedIn(kind))).toEqual(jsonSchemaFor(kind));
  });
});

test('`fieldbook schema` defaults to the runbook schema and refuses other kinds', async () => {
  expect((await runCli(['schema'], { cwd: REPO })).stdout).toBe(checkedIn('runbook'));
  const bad = await runCli(['schema', 'sites'], { cwd: REPO });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toBe('error: schema: expected "runbook" or "site", found "sites"\n');
});
