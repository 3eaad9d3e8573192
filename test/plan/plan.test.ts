import { describe, expect, test } from 'vitest';
import { formatPlan } from '../../src/plan/format.js';
import { resolveParams } from '../../src/plan/params.js';
import { buildPlan, MASK } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import { parseText } from '../../src/schema/load.js';

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: plan-test, title: Plan test }
params:
  registry: { required: true }
  registryPassword: { secret: true, required: true }
  images: { type: list, default: [core, plugins] }
  wipe: { type: boolean, default: true }
roles:
  controlPlane: { min: 1 }
  installer: { count: 1 }
steps:
  - id: backup
    on: controlPlane
    strategy: serial
    timeout: 2h
    run: tar -cf /backup/\${{ host.name }}.tar \${{ host.vars.dir }}
    capture:
      archive: { regex: 'archive=(\\S+)' }
  - id: login
    on: installer
    run: nerdctl login \${{ params.registry }} -p \${{ params.registryPassword }}
  - id: list-pods
    kubectl: { args: [get, pods, -n, cpaas-system] }
  - id: announce
    manual:
      instructions: Tell the customer about \${{ site.name }}.
      checklist: [Window approved]
  - id: wipe
    destructive: true
    when: \${{ params.wipe }}
    confirm: { message: "Deletes every image on \${{ params.registry }}" }
    kubectl:
      exec: { namespace: cpaas-system, selector: app=minio }
      run: mc rm --recursive --force minio/registry/
  - id: push
    on: installer
    foreach: \${{ params.images }}
    run: violet push \${{ item }}
  - id: report
    when: \${{ steps.backup.outputs.archive != '' }}
    foreach: \${{ steps.backup.outputs.archive }}
    run: echo \${{ item }}
  - id: skipped
    when: \${{ !params.wipe }}
    run: echo never
`;
const SITE = `apiVersion: fieldbook/v1
kind: Site
metadata: { name: acme-prod }
ssh: { user: root, jump: bastion }
hosts:
  bastion: { address: 10.0.0.1 }
  cp1: { address: 10.0.0.10, vars: { dir: /cpaas/minio } }
  cp2: { address: 10.0.0.11, port: 2222, user: admin, vars: { dir: /data/minio } }
roles:
  controlPlane: [cp1, cp2]
  installer: [cp1]
kube: { via: cp1, context: global }
params: { registry: reg.local:5000 }
`;
const SECRET = 'hunter2-very-secret';

function plan(): Plan {
  const runbook = parseText('plan.runbook.yaml', RUNBOOK, 'Runbook').value;
  const site = parseText('plan.site.yaml', SITE, 'Site').value;
  const { params, problems } = resolveParams(runbook, { cli: [], site: site.params, secrets: { registryPassword: { value: SECRET, source: 'env' } } });
  expect(problems).toEqual([]);
  return buildPlan(runbook, site, params);
}
const step = (p: Plan, id: string) => p.steps.find((s) => s.id === id)!;

describe('buildPlan', () => {
  test('secrets appear only as ****, in params and in every rendered command', () => {
    const p = plan();
    expect(p.params['registryPassword']).toEqual({ value: MASK, source: 'env', secret: true });
    expect(step(p, 'login').invocations[0]!.display).toBe("nerdctl login 'reg.local:5000' -p '****'");
    expect(JSON.stringify(p)).not.toContain(SECRET);
    expect(formatPlan(p)).not.toContain(SECRET);
  });

  test('lists the hosts of each step: role members fan out, kubectl goes via the site, manual to the operator', () => {
    const p = plan();
    expect(step(p, 'backup').targets.map((t) => [t.name, t.label])).toEqual([
      ['cp1', 'root@10.0.0.10 via bastion'],
      ['cp2', 'admin@10.0.0.11:2222 via bastion'],
    ]);
    expect(step(p, 'backup').invocations.map((i) => [i.target, i.display])).toEqual([
      ['cp1', "tar -cf /backup/'cp1'.tar '/cpaas/minio'"],
      ['cp2', "tar -cf /backup/'cp2'.tar '/data/minio'"],
    ]);
    expect(step(p, 'list-pods').targets.map((t) => t.name)).toEqual(['cp1']);
    expect(step(p, 'list-pods').invocations[0]!.display).toBe('kubectl --context global get pods -n cpaas-system');
    expect(step(p, 'announce').targets.map((t) => t.name)).toEqual(['operator']);
    expect(step(p, 'report').targets.map((t) => t.name)).toEqual(['local']);
  });

  test('marks destructive steps with their confirmation (the site name unless the runbook gives a phrase)', () => {
    const p = plan();
    expect(p.steps.filter((s) => s.destructive).map((s) => s.id)).toEqual(['wipe']);
    expect(step(p, 'wipe').confirm).toEqual({ phrase: 'acme-prod', message: 'Deletes every image on reg.local:5000' });
    expect(step(p, 'backup').confirm).toBeUndefined();
  });

  test('foreach and when are resolved where params decide them and deferred where a run does', () => {
    const p = plan();
    expect(step(p, 'push').items).toEqual({ kind: 'known', value: ['core', 'plugins'] });
    expect(step(p, 'push').invocations.map((i) => i.display)).toEqual(["violet push 'core'", "violet push 'plugins'"]);
    expect(step(p, 'report').items).toEqual({ kind: 'runtime', expression: '${{ steps.backup.outputs.archive }}' });
    expect(step(p, 'report').when).toEqual({ kind: 'runtime', expression: "${{ steps.backup.outputs.archive != '' }}" });
    expect(step(p, 'wipe').when).toEqual({ kind: 'known', value: true });
    expect(step(p, 'skipped').when).toEqual({ kind: 'known', value: false });
  });

  test('a path into a run-time value shows as a longer placeholder (records of an earlier step)', () => {
    const runbook = parseText('r.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: r, title: R }
steps:
  - id: find
    kubectl: { args: [get, pods, -A, -o, json] }
    capture: { pods: { json: true, query: 'items[].{ns: metadata.namespace}' } }
  - id: each
    foreach: \${{ steps.find.outputs.pods }}
    kubectl:
      exec: { namespace: '\${{ item.ns }}', pod: '\${{ item.pod }}' }
      run: echo \${{ steps.find.outputs.pods.0.ns }}
`, 'Runbook').value;
    const site = parseText('s.yaml', 'apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: s }\nkube: { via: local }\n', 'Site').value;
    const each = buildPlan(runbook, site, {}).steps[1]!;
    expect(each.invocations.map((i) => i.display)).toEqual([expect.stringContaining("--namespace '⟨item.ns⟩' exec -i ⟨item.pod⟩ -- sh")]);
    expect(each.invocations[0]!.display).toContain("echo '⟨steps.find.outputs.pods.0.ns⟩'");
  });

  test('step facts: strategy, timeout, readonly kubectl verbs, captures', () => {
    const p = plan();
    expect(step(p, 'backup')).toMatchObject({ strategy: 'serial', maxParallel: 1, timeoutMs: 7_200_000, captures: ['archive'], readonly: false });
    expect(step(p, 'list-pods')).toMatchObject({ kind: 'kubectl', readonly: true, idempotent: true });
    expect(step(p, 'wipe')).toMatchObject({ kind: 'kubectl', readonly: false, destructive: true });
  });
});

describe('formatPlan', () => {
  test('marks destructive steps and names every host', () => {
    const text = formatPlan(plan());
    expect(text).toContain('5. wipe  [DESTRUCTIVE]');
    expect(text).toContain('confirm: type "acme-prod" — Deletes every image on reg.local:5000');
    expect(text).toContain('on controlPlane: cp1, cp2 (serial)');
    expect(text).toContain('runs on cp2 (admin@10.0.0.11:2222 via bastion):');
    expect(text).toContain('registryPassword = ****  (env)');
    expect(text).toMatch(/8 steps; destructive: wipe\.$/);
  });
});
