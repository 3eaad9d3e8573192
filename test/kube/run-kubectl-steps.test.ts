import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { startKubeApi } from './api-server.js';

/** A test API server and a site whose kubectl steps run on this machine against it. */
async function kubeLab() {
  const server = await startKubeApi();
  onTestFinished(() => server.stop());
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', `apiVersion: fieldbook/v1
kind: Site
metadata: { name: kube-lab }
kube: { via: local, context: ${server.context}, namespace: ${server.namespace}, kubeconfig: ${server.kubeconfigPath} }
`);
  return { server, dir };
}

/** `fieldbook run` with kubectl steps, through the real kubectl, end to end. */
describe('fieldbook run with kubectl steps', () => {
  it('captures kubectl get JSON, execs by selector, and is honest about a failing exec', async () => {
    const { server, dir } = await kubeLab();
    writeFixture(dir, 'kube.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: kube-steps, title: kubectl steps }
steps:
  - id: record-plugins
    kubectl: { args: [get, moduleinfos, -o, json] }
    capture: { plugins: { json: true, path: items } }
  - id: count
    kubectl:
      exec: { namespace: kube-system, selector: app.kubernetes.io/name=minio, container: minio }
      run: |
        echo "plugins=\${{ steps.record-plugins.outputs.plugins }}" | wc -c
        echo "inside $CONTAINER_NAME"
  - id: wipe
    destructive: true
    kubectl:
      exec: { namespace: kube-system, selector: app.kubernetes.io/name=minio, container: minio }
      run: exit 3
`);
    const result = await runCli(['run', 'kube.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'k', '--approve', 'wipe'], { cwd: dir, env: { HOME: server.dir } });
    expect(result.stdout).toContain('record-plugins succeeded');
    expect(result.stdout).toContain('count | inside minio');
    expect(result.stdout).toContain('wipe failed (exit 3)');
    expect(result.code).toBe(1);
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'k', 'journal.jsonl'), 'utf8');
    const finished = journal.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'step-finished' && e.step === 'record-plugins');
    expect(finished.outputs.plugins.length).toBeGreaterThan(0);
  });

  it('fans out over every Running pod with pods: all, one checkpoint per pod', async () => {
    const { server, dir } = await kubeLab();
    writeFixture(dir, 'all.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: all-pods, title: every worker }
steps:
  - id: each-worker
    kubectl:
      exec: { selector: app=worker, container: worker, pods: all }
      run: echo "in $HOSTNAME"
  - id: nothing
    kubectl:
      exec: { selector: app=nothing, pods: all }
      run: echo never
`);
    const result = await runCli(['run', 'all.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'a'], { cwd: dir, env: { HOME: server.dir } });
    const workers = server.execs.map((e) => e.pod).filter((p) => p.startsWith('worker-')).sort();
    expect(workers).toHaveLength(2);
    for (const [index, pod] of workers.entries()) expect(result.stdout).toContain(`each-worker[${index}: ${pod}] | in ${pod}`);
    expect(result.stdout).toContain('nothing: no Running pod matches app=nothing in cpaas-system');
    expect(result.code).toBe(1);
    const shown = await runCli(['show', 'a'], { cwd: dir });
    expect(shown.stdout).toContain('✔ each-worker succeeded');
  });
});
