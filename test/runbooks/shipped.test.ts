import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO, runCli } from '../harness/cli.js';

// Every runbook in runbooks/ validates and plans, through the CLI, against the example sites made for it; every
// YAML file there and in examples/ starts with its schema line.

const RUNBOOK_LINE = '# yaml-language-server: $schema=../docs/schema/runbook.schema.json';
const SITE_LINE = '# yaml-language-server: $schema=../docs/schema/site.schema.json';

interface RunbookDoc {
  metadata: { name: string; source?: string };
  params?: Record<string, { required?: boolean; secret?: boolean; default?: unknown }>;
  roles?: Record<string, { min?: number }>;
  steps: {
    id: string;
    run?: string;
    readonly?: boolean;
    destructive?: boolean;
    confirm?: { message?: string };
    kubectl?: { run?: string; args?: string[] };
    manual?: object;
  }[];
}
interface SiteDoc {
  kind?: string;
  roles?: Record<string, string[]>;
  params?: Record<string, unknown>;
}

const yamlIn = (dir: string) => readdirSync(join(REPO, dir)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => `${dir}/${f}`);
const read = (file: string) => readFileSync(join(REPO, file), 'utf8');
const runbooks = yamlIn('runbooks');
const examples = yamlIn('examples');
const sites = examples.filter((f) => (parse(read(f)) as SiteDoc).kind === 'Site');

/** Required params that belong to one invocation, not to a site (the run a restore reads), with an example value. */
const COMMAND_LINE_PARAMS: Record<string, Record<string, string>> = {
  'acp-registry-restore': { fromRun: '20261202-101500-acp-registry-full-wipe-1a2b' },
};
const commandLineParams = (runbook: RunbookDoc) =>
  Object.entries(COMMAND_LINE_PARAMS[runbook.metadata.name] ?? {}).flatMap(([name, value]) => ['--param', `${name}=${value}`]);

/** An example site is made for a runbook when it fills its roles and gives every required param that has no default. */
function madeFor(runbook: RunbookDoc, site: SiteDoc): boolean {
  const rolesFilled = Object.entries(runbook.roles ?? {}).every(([name, spec]) => spec.min === 0 || (site.roles?.[name]?.length ?? 0) > 0);
  const onCommandLine = COMMAND_LINE_PARAMS[runbook.metadata.name] ?? {};
  const needed = Object.entries(runbook.params ?? {}).filter(([name, p]) => p.required && !p.secret && p.default === undefined && !(name in onCommandLine));
  return rolesFilled && needed.every(([name]) => site.params !== undefined && name in site.params);
}

test('runbooks/ and examples/ are not empty', () => {
  expect(runbooks.length).toBeGreaterThanOrEqual(5);
  expect(sites.length).toBeGreaterThan(0);
});

test.each(runbooks)('%s starts with the runbook schema line', (file) => {
  expect(read(file).split('\n')[0]).toBe(RUNBOOK_LINE);
});

test.each(examples)('%s starts with the site schema line', (file) => {
  expect(read(file).split('\n')[0]).toBe(SITE_LINE);
});

describe.each(runbooks)('%s', (file) => {
  const runbook = parse(read(file)) as RunbookDoc;
  const mine = sites.filter((site) => madeFor(runbook, parse(read(site)) as SiteDoc));

  test('has an example site, and validates and plans against each of them through the CLI', async () => {
    expect(mine, `no example site in examples/ fills the roles and required params of ${file}`).not.toEqual([]);
    for (const site of mine) {
      const validated = await runCli(['validate', file, '--site', site], { cwd: REPO });
      expect(validated.stderr, `validate ${file} --site ${site}`).toBe('');
      expect(validated.code).toBe(0);
      // plan needs no secret: secrets show as ****.
      const planned = await runCli(['plan', file, '--site', site, ...commandLineParams(runbook)], { cwd: REPO });
      expect(planned.stderr, `plan ${file} --site ${site}`).toBe('');
      expect(planned.code).toBe(0);
      for (const step of runbook.steps) expect(planned.stdout).toContain(`. ${step.id}`);
      const json = await runCli(['plan', file, '--site', site, '--json', ...commandLineParams(runbook)], { cwd: REPO });
      expect(json.code).toBe(0);
      const plan = JSON.parse(json.stdout) as { steps: { id: string }[] };
      expect(plan.steps.map((s) => s.id)).toEqual(runbook.steps.map((s) => s.id));
    }
  });

  test('names its source procedure and states the scope of every destructive step', () => {
    expect(runbook.metadata.source).toMatch(/seeds\/\d{3}_[0-9a-f]{16}\.txt/);
    for (const step of runbook.steps.filter((s) => s.destructive)) {
      expect(step.confirm?.message, `${step.id}: confirm.message`).toMatch(/\S.{20,}/s);
    }
  });

  test('a readonly step uses only outputs of steps that also run in a rehearsal', () => {
    // --rehearse runs readonly run/kubectl steps only; a readonly step reading another step's outputs fails there.
    const getLike = new Set(['get', 'describe', 'logs', 'top', 'explain', 'api-resources', 'api-versions', 'version', 'cluster-info', 'auth', 'events', 'wait']);
    const rehearsed = (step: RunbookDoc['steps'][number]) =>
      step.manual === undefined && (step.readonly ?? (step.kubectl?.args !== undefined && getLike.has(step.kubectl.args[0] ?? '')));
    const byId = new Map(runbook.steps.map((step) => [step.id, step]));
    for (const step of runbook.steps.filter(rehearsed)) {
      for (const [, id] of JSON.stringify(step).matchAll(/steps\.([a-z0-9-]+)\.(?:outputs|hosts)/g)) {
        expect(rehearsed(byId.get(id!)!), `${step.id} reads the outputs of ${id!}, which a rehearsal skips`).toBe(true);
      }
    }
  });

  test('blocks marked as the same in every step are the same', () => {
    // `# --- <name> (the same in every step ...) ---` ... `# --- end of <name> ---`, in run and kubectl.run scripts.
    const blocks = new Map<string, string[]>();
    for (const step of runbook.steps) {
      const script = step.run ?? step.kubectl?.run ?? '';
      for (const match of script.matchAll(/^[ \t]*# --- (.+?) \(the same in every step[^\n]*\n([\s\S]*?)^[ \t]*# --- end of \1 ---$/gm)) {
        const [, name, body] = match;
        blocks.set(name!, [...(blocks.get(name!) ?? []), body!.replace(/^[ \t]+/gm, '')]);
      }
    }
    // Every marker opens a block that was found (a block with a broken end marker is not silently skipped).
    const markers = read(file).match(/# --- .+? \(the same in every step/g) ?? [];
    expect([...blocks.values()].flat().length).toBe(markers.length);
    for (const [name, bodies] of blocks) {
      expect(bodies.length, `"${name}" appears once only`).toBeGreaterThan(1);
      expect(new Set(bodies).size, `"${name}" differs between steps`).toBe(1);
    }
  });
});
