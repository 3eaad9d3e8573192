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

const runIn = (dir: string, server: { dir: string }, args: string[]) => runCli(args, { cwd: dir, env: { HOME: server.dir } });

/** A value that starts with `-` never becomes one of kubectl's options (issue #16, item 2). */
describe('values as kubectl options', () => {
  it('refuses a step whose captured item would be an option, before kubectl starts and before it asks', async () => {
    const { server, dir } = await kubeLab();
    writeFixture(dir, 'delete.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: delete-stale, title: delete stale pods }
steps:
  - id: list-stale
    run: printf 'minio-0\\n--all\\n'
    capture: { stale: { lines: true } }
  - id: delete-stale
    destructive: true
    foreach: \${{ steps.list-stale.outputs.stale }}
    kubectl: { args: [delete, pod, '\${{ item }}'] }
`);
    const result = await runIn(dir, server, ['run', 'delete.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'd', '--approve', 'delete-stale']);
    // No delete-all (a list of the pods, then a delete of each), and kubectl never started, not for minio-0 either.
    expect(server.requests.filter((r) => r.method === 'DELETE' || r.path.endsWith('/pods'))).toEqual([]);
    expect(server.requests).toEqual([]);
    const refusal = 'kubectl.args[2]: ${{ item }} is "--all", which would be read as an option';
    const lines = result.stdout.split('\n').filter((line) => line.includes(refusal));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/delete-stale failed: kubectl\.args\[2\]/);
    // Refused before the confirmation: --approve was never used.
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'd', 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string });
    expect(journal.map((e) => e.type)).not.toContain('confirmation');
    expect(result.code).toBe(1);
  });

  it('refuses a param that would be an option at plan and at run, exit 2, one line naming the step', async () => {
    const { server, dir } = await kubeLab();
    writeFixture(dir, 'exec.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: exec-pod, title: exec into a named pod }
params:
  pod: { required: true }
steps:
  - id: look
    kubectl:
      exec: { pod: '\${{ params.pod }}', container: minio }
      run: ls
`);
    for (const command of ['plan', 'run']) {
      const ui = command === 'run' ? ['--ui', 'plain'] : [];
      const result = await runIn(dir, server, [command, 'exec.yaml', '--site', 'site.yaml', '--param', 'pod=--context=other', ...ui]);
      expect(result.stderr.trim()).toBe(
        'error: step "look": kubectl.exec.pod: ${{ params.pod }} is "--context=other", which would be read as an option; a value may not start an argument with "-" (write an option and its value as one argument: --name=${{ params.pod }})',
      );
      expect(result.code).toBe(2);
    }
    expect(server.requests).toEqual([]);
  });

  it('passes a value to an option the runbook wrote, whatever the value starts with', async () => {
    const { server, dir } = await kubeLab();
    writeFixture(dir, 'get.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: get-by-label, title: pods by label }
params:
  selector: { default: '-unlikely' }
steps:
  - id: get
    kubectl: { args: [get, pods, '--selector=\${{ params.selector }}', -o, name] }
`);
    const result = await runIn(dir, server, ['run', 'get.yaml', '--site', 'site.yaml', '--ui', 'plain']);
    expect(result.stdout).toMatch(/get (succeeded|failed)/);
    const listed = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/pods'));
    expect(listed.map((r) => new URLSearchParams(r.query).get('labelSelector'))).toContain('-unlikely');
  });
});
