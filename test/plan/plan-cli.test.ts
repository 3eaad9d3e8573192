import { describe, expect, test } from 'vitest';
import { runCli, writeFixture, type CliResult } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

// `fieldbook plan` through the real CLI: params from every source, secrets masked, refusals with exit 2.

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: plan-cli, title: Plan through the CLI }
params:
  tag: { default: from-default }
  keepTags: { type: integer, default: 5 }
  registryPassword: { secret: true, required: true }
  registry: { required: true, description: Registry host:port }
roles:
  nodes: { min: 1 }
steps:
  - id: login
    on: nodes
    run: nerdctl login \${{ params.registry }} -p \${{ params.registryPassword }} && echo \${{ params.tag }} \${{ params.keepTags }}
  - id: wipe
    destructive: true
    run: rm -rf /registry/\${{ params.tag }}
`;
const site = (params: string) => `apiVersion: fieldbook/v1
kind: Site
metadata: { name: lab }
hosts:
  n1: { address: 127.0.3.1 }
  n2: { address: 127.0.3.2 }
roles:
  nodes: [n1, n2]
params: ${params}
`;
const SECRET = 'hunter2-$(reboot)';

function setup(siteParams = '{ registry: reg.local, tag: from-site }'): string {
  const dir = tempDirForTest();
  writeFixture(dir, 'runbook.yaml', RUNBOOK);
  writeFixture(dir, 'site.yaml', site(siteParams));
  writeFixture(dir, 'params.yaml', 'tag: from-file\n');
  return dir;
}

async function planJson(dir: string, ...extra: string[]): Promise<{ result: CliResult; plan: { params: Record<string, { value: unknown; source: string; secret: boolean }>; steps: Array<{ id: string; destructive: boolean; targets: Array<{ name: string; label: string }>; invocations: Array<{ target: string; display: string }> }> } }> {
  const result = await runCli(['plan', 'runbook.yaml', '--site', 'site.yaml', '--json', ...extra], { cwd: dir, env: { FIELDBOOK_SECRET_REGISTRY_PASSWORD: SECRET } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return { result, plan: JSON.parse(result.stdout) as never };
}

describe('fieldbook plan', () => {
  test('--param beats --params-file beats the site beats the runbook default', async () => {
    const dir = setup();
    const fromParam = await planJson(dir, '--param', 'tag=from-param', '--params-file', 'params.yaml');
    expect(fromParam.plan.params['tag']).toEqual({ value: 'from-param', source: 'param', secret: false });
    const fromFile = await planJson(dir, '--params-file', 'params.yaml');
    expect(fromFile.plan.params['tag']).toEqual({ value: 'from-file', source: 'params-file', secret: false });
    const fromSite = await planJson(dir);
    expect(fromSite.plan.params['tag']).toEqual({ value: 'from-site', source: 'site', secret: false });
    expect(fromSite.plan.params['keepTags']).toEqual({ value: 5, source: 'default', secret: false });
  });

  test('--json shows secrets as ****, marks destructive steps and lists the hosts of each step', async () => {
    const { result, plan } = await planJson(setup());
    expect(result.stdout).not.toContain('hunter2');
    expect(plan.params['registryPassword']).toEqual({ value: '****', source: 'env', secret: true });
    const login = plan.steps.find((s) => s.id === 'login')!;
    expect(login.destructive).toBe(false);
    expect(login.targets.map((t) => [t.name, t.label])).toEqual([['n1', '127.0.3.1'], ['n2', '127.0.3.2']]);
    expect(login.invocations.map((i) => i.target)).toEqual(['n1', 'n2']);
    expect(login.invocations[0]!.display).toBe("nerdctl login 'reg.local' -p '****' && echo 'from-site' '5'");
    const wipe = plan.steps.find((s) => s.id === 'wipe')!;
    expect(wipe.destructive).toBe(true);
    expect(wipe.targets.map((t) => t.name)).toEqual(['local']);
  });

  test('the text plan masks secrets and marks destructive steps too', async () => {
    const dir = setup();
    const result = await runCli(['plan', 'runbook.yaml', '--site', 'site.yaml'], { cwd: dir, env: { FIELDBOOK_SECRET_REGISTRY_PASSWORD: SECRET } });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('hunter2');
    expect(result.stdout).toContain("-p '****'");
    expect(result.stdout).toContain('2. wipe  [DESTRUCTIVE]');
    expect(result.stdout).toContain('on nodes: n1, n2');
  });

  test('a secret given with --param is refused with advice to use FIELDBOOK_SECRET_<NAME>, and not echoed', async () => {
    const dir = setup();
    const result = await runCli(['plan', 'runbook.yaml', '--site', 'site.yaml', '--param', `registryPassword=${SECRET}`], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--param registryPassword: "registryPassword" is a secret');
    expect(result.stderr).toContain('FIELDBOOK_SECRET_REGISTRY_PASSWORD');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  test('a required param missing everywhere is a usage error that says how to give it', async () => {
    const dir = setup('{}');
    const result = await runCli(['plan', 'runbook.yaml', '--site', 'site.yaml'], { cwd: dir, env: { FIELDBOOK_SECRET_REGISTRY_PASSWORD: SECRET } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing required param "registry" (Registry host:port): pass --param registry=<value>');
  });

  test('a value of the wrong type is refused, naming the flag', async () => {
    const dir = setup();
    const result = await runCli(['plan', 'runbook.yaml', '--site', 'site.yaml', '--param', 'keepTags=many'], { cwd: dir, env: { FIELDBOOK_SECRET_REGISTRY_PASSWORD: SECRET } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--param keepTags: expected an integer, found "many"');
  });
});
