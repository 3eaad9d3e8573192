import { describe, expect, test } from 'vitest';
import { resolveParams, secretEnvHint, type ParamInputs } from '../../src/plan/params.js';
import { coerce } from '../../src/schema/coerce.js';
import { parseText } from '../../src/schema/load.js';
import type { ParamSpec } from '../../src/schema/runbook.js';
import { secretFromEnv } from '../../src/secrets/sources.js';

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: params, title: Params }
params:
  registry: { description: Registry host:port, required: true, pattern: '^[a-z0-9.-]+(:[0-9]+)?$' }
  keepTags: { type: integer, default: 5 }
  dryRun: { type: boolean, default: false }
  images: { type: list, values: [core, plugins, custom] }
  mode: { values: [full, necessary], default: full }
  registryPassword: { secret: true, required: true }
  token: { secret: true }
steps:
  - id: noop
    run: 'true'
`;
const runbook = parseText('params.runbook.yaml', RUNBOOK, 'Runbook').value;
const spec = (name: string): ParamSpec => runbook.params[name]!;

/** Inputs with the one required secret present, so each test sees only its own problems. */
function inputs(overrides: Partial<ParamInputs> = {}): ParamInputs {
  return { cli: [['registry', 'reg.local:5000']], secrets: { registryPassword: { value: 'hunter2', source: 'env' } }, ...overrides };
}

describe('resolveParams precedence: --param > --params-file > site > default', () => {
  const all: Partial<ParamInputs> = {
    cli: [['keepTags', '1'], ['registry', 'cli.local']],
    file: { keepTags: 2, mode: 'necessary', registry: 'file.local' },
    fileName: 'p.yaml',
    site: { keepTags: 3, mode: 'full', dryRun: true, registry: 'site.local' },
  };

  test('each param comes from the highest source that has it', () => {
    const { params, problems } = resolveParams(runbook, inputs(all));
    expect(problems).toEqual([]);
    expect(params['keepTags']).toEqual({ value: 1, source: 'param', secret: false });
    expect(params['registry']).toEqual({ value: 'cli.local', source: 'param', secret: false });
    expect(params['mode']).toEqual({ value: 'necessary', source: 'params-file', secret: false });
    expect(params['dryRun']).toEqual({ value: true, source: 'site', secret: false });
  });

  test('without a higher source, the runbook default applies; without a default, an optional param is empty', () => {
    const { params, problems } = resolveParams(runbook, inputs());
    expect(problems).toEqual([]);
    expect(params['keepTags']).toEqual({ value: 5, source: 'default', secret: false });
    expect(params['mode']).toEqual({ value: 'full', source: 'default', secret: false });
    expect(params['images']).toEqual({ value: [], source: 'not set', secret: false });
    expect(params['token']).toEqual({ value: '', source: 'not set', secret: true });
  });

  test('the file beats the site, the site beats the default', () => {
    const { params } = resolveParams(runbook, inputs({ file: { keepTags: 2 }, site: { keepTags: 3, mode: 'necessary' } }));
    expect(params['keepTags']?.source).toBe('params-file');
    expect(params['mode']).toEqual({ value: 'necessary', source: 'site', secret: false });
  });

  test('secrets come only from the environment or the prompt, and are marked secret', () => {
    const { params } = resolveParams(runbook, inputs({ secrets: { registryPassword: { value: 's3cret', source: 'prompt' } } }));
    expect(params['registryPassword']).toEqual({ value: 's3cret', source: 'prompt', secret: true });
  });
});

describe('resolveParams problems', () => {
  test('a required param missing everywhere says how to give it, and is marked so a terminal can ask for it', () => {
    const { problems } = resolveParams(runbook, inputs({ cli: [] }));
    expect(problems).toEqual([
      { name: 'registry', missingValue: true, message: 'missing required param "registry" (Registry host:port): pass --param registry=<value>, a --params-file, or set it in the site\'s params' },
    ]);
  });

  test('a missing required secret is marked so the CLI can prompt for it, and names the variable', () => {
    const { problems } = resolveParams(runbook, inputs({ secrets: {} }));
    expect(problems).toEqual([
      { name: 'registryPassword', missingSecret: true, message: 'missing secret param "registryPassword": set FIELDBOOK_SECRET_REGISTRY_PASSWORD or run interactively to be prompted' },
    ]);
  });

  test('a secret given with --param is refused with advice to use FIELDBOOK_SECRET_<NAME>, without echoing it', () => {
    const { params, problems } = resolveParams(runbook, inputs({ cli: [['registry', 'r'], ['registryPassword', 'hunter2']] }));
    expect(params['registryPassword']).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^--param registryPassword: "registryPassword" is a secret .*set FIELDBOOK_SECRET_REGISTRY_PASSWORD or leave it out to be prompted$/);
    expect(problems[0]!.missingSecret).toBeUndefined();
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  test('a secret in a params file is refused too', () => {
    const { problems } = resolveParams(runbook, inputs({ file: { registryPassword: 'hunter2' }, fileName: 'prod.params.yaml' }));
    expect(problems.map((p) => p.message)).toEqual([
      'prod.params.yaml: "registryPassword" is a secret and must not be stored in a file; set FIELDBOOK_SECRET_REGISTRY_PASSWORD or leave it out to be prompted',
    ]);
  });

  test('unknown names in --param and in the params file are reported with the names the runbook has', () => {
    const { problems } = resolveParams(runbook, inputs({ cli: [['registry', 'r'], ['registy', 'x']], file: { keeptags: 1 }, fileName: 'p.yaml' }));
    expect(problems.map((p) => p.message)).toEqual([
      '--param registy: the runbook has no param "registy"; it has registry, keepTags, dryRun, images, mode, registryPassword, token',
      'p.yaml: the runbook has no param "keeptags"; it has registry, keepTags, dryRun, images, mode, registryPassword, token',
    ]);
  });

  test('a type problem names where the value came from', () => {
    const site = resolveParams(runbook, inputs({ site: { keepTags: 'many' } })).problems;
    expect(site.map((p) => p.message)).toEqual(['site params.keepTags: expected an integer, found "many"']);
    const file = resolveParams(runbook, inputs({ file: { dryRun: 'yes' }, fileName: 'p.yaml' })).problems;
    expect(file.map((p) => p.message)).toEqual(['p.yaml: dryRun: expected true or false, found "yes"']);
    const cli = resolveParams(runbook, inputs({ cli: [['registry', 'Bad Host']] })).problems;
    expect(cli.map((p) => p.message)).toEqual(['--param registry: "Bad Host" does not match the pattern ^[a-z0-9.-]+(:[0-9]+)?$']);
  });
});

describe('coerce', () => {
  test('integer: text from the command line is parsed, YAML values must already be numbers', () => {
    expect(coerce(spec('keepTags'), '12', true)).toBe(12);
    expect(coerce(spec('keepTags'), ' -3 ', true)).toBe(-3);
    expect(coerce(spec('keepTags'), 7, false)).toBe(7);
    expect(coerce(spec('keepTags'), '12', false)).toEqual({ problem: 'expected an integer, found "12"' });
    expect(coerce(spec('keepTags'), '1.5', true)).toEqual({ problem: 'expected an integer, found "1.5"' });
    expect(coerce(spec('keepTags'), 1.5, false)).toEqual({ problem: 'expected an integer, found 1.5' });
    expect(coerce(spec('keepTags'), '12abc', true)).toEqual({ problem: 'expected an integer, found "12abc"' });
    expect(coerce(spec('keepTags'), '99999999999999999999', true)).toEqual({ problem: 'expected an integer, found "99999999999999999999"' });
  });

  test('boolean: true/yes/1 and false/no/0 from text, real booleans from YAML', () => {
    for (const text of ['true', 'YES', '1', ' True ']) expect(coerce(spec('dryRun'), text, true)).toBe(true);
    for (const text of ['false', 'no', '0']) expect(coerce(spec('dryRun'), text, true)).toBe(false);
    expect(coerce(spec('dryRun'), false, false)).toBe(false);
    expect(coerce(spec('dryRun'), 'maybe', true)).toEqual({ problem: 'expected true or false, found "maybe"' });
    expect(coerce(spec('dryRun'), 'true', false)).toEqual({ problem: 'expected true or false, found "true"' });
  });

  test('list: comma-separated or JSON text, or a YAML list; every item checked against values', () => {
    expect(coerce(spec('images'), 'core, plugins', true)).toEqual(['core', 'plugins']);
    expect(coerce(spec('images'), '["core","custom"]', true)).toEqual(['core', 'custom']);
    expect(coerce(spec('images'), ['plugins'], false)).toEqual(['plugins']);
    expect(coerce(spec('images'), '', true)).toEqual([]);
    expect(coerce(spec('images'), 'core,other', true)).toEqual({ problem: 'item "other": expected one of "core", "plugins", "custom"' });
    expect(coerce(spec('images'), 'core', false)).toEqual({ problem: 'expected a list of strings, found "core"' });
    expect(coerce(spec('images'), [{ a: 1 }], false)).toEqual({ problem: 'expected a list of strings, found a list' });
  });

  test('string: pattern and values are checked; numbers from YAML become text', () => {
    expect(coerce(spec('registry'), 'reg.local:5000', true)).toBe('reg.local:5000');
    expect(coerce(spec('registry'), 'REG', true)).toEqual({ problem: '"REG" does not match the pattern ^[a-z0-9.-]+(:[0-9]+)?$' });
    expect(coerce(spec('mode'), 'necessary', true)).toBe('necessary');
    expect(coerce(spec('mode'), 'partial', true)).toEqual({ problem: 'expected one of "full", "necessary", found "partial"' });
    expect(coerce(spec('mode'), ['full'], false)).toEqual({ problem: 'expected a string, found a list' });
    expect(coerce(spec('registry'), 5000, false)).toBe('5000');
  });

  test('a NUL byte is refused in any string, since no shell can carry it', () => {
    expect(coerce(spec('mode'), 'full\0', true)).toEqual({ problem: 'contains a NUL byte, which no shell can carry' });
    expect(coerce(spec('images'), ['core\0'], false)).toEqual({ problem: 'item "core\\u0000": contains a NUL byte, which no shell can carry' });
  });

  test('a secret value that does not fit is never shown', () => {
    const secret: ParamSpec = { ...spec('registryPassword'), pattern: '^[a-z]+$' };
    expect(coerce(secret, 'Hunter2', true)).toEqual({ problem: 'the value does not match the pattern ^[a-z]+$' });
    expect(coerce({ ...secret, type: 'integer' }, 'Hunter2', true)).toEqual({ problem: 'expected an integer, found a value of the wrong form' });
  });
});

describe('secretEnvHint', () => {
  test('names the variable secretFromEnv actually reads', () => {
    for (const name of ['registryPassword', 'apiURLToken', 'db-password', 'token', 'x2Key']) {
      const variable = secretEnvHint(name);
      expect(variable).toMatch(/^FIELDBOOK_SECRET_[A-Z0-9_]+$/);
      expect(secretFromEnv(name, { [variable]: 'value' }), `${name} → ${variable}`).toBe('value');
    }
    expect(secretEnvHint('registryPassword')).toBe('FIELDBOOK_SECRET_REGISTRY_PASSWORD');
    expect(secretEnvHint('apiURLToken')).toBe('FIELDBOOK_SECRET_API_URL_TOKEN');
  });
});
