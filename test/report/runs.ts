import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { runCli, writeFixture, type CliResult } from '../harness/cli.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';

/** A run made through the real CLI for the report tests: where it lives and what it was given. */
export interface MadeRun {
  /** The test's working directory (FIELDBOOK_HOME is `<dir>/.fieldbook`). */
  dir: string;
  runsDir: string;
  runId: string;
  /** Secret values the run was given, by env variable. */
  env: Record<string, string>;
  /** Step ids, in runbook order. */
  steps: string[];
  /** Unit targets the run used. */
  hosts: string[];
}

export const FINISHED_SECRET = 'Wipe-Pa55 w0rd/+&=';

const FINISHED_RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata:
  name: demo-registry-wipe
  title: Clean up the demo image registry (full wipe)
  description: |
    Back up the registry bucket, list the images to keep, wipe the bucket, push the kept images back and
    verify. Runs on the operator's machine against a demo registry directory.
params:
  registry: { description: "Registry address host:port", default: "registry.demo:5000" }
  registryPassword: { secret: true, required: true }
steps:
  - id: backup
    title: Back up the registry bucket
    run: |
      mkdir -p bucket backup && printf 'layer-%s\\n' 1 2 3 > bucket/blobs
      cp -r bucket backup/ && echo "backup size=$(wc -c < bucket/blobs)"
    capture: { size: { from: stdout, regex: 'size=(\\d+)', group: 1 } }
  - id: list-images
    title: List the images to push back
    readonly: true
    run: printf '%s\\n' app/web:1.2 app/api:3.4 tools/debug:latest
    capture: { images: { from: stdout, lines: true } }
  - id: wipe-bucket
    title: Wipe the registry bucket
    description: Every blob in the bucket is deleted. The backup from step 1 is the way back.
    destructive: true
    confirm: { phrase: "\${{ site.name }}", message: "Every image in the registry bucket will be deleted." }
    run: |
      echo "login to \${{ params.registry }} with \${{ params.registryPassword }}"
      rm -rf bucket && echo "bucket wiped"
  - id: repush
    title: Push the kept images back
    foreach: \${{ steps.list-images.outputs.images }}
    run: echo "pushed \${{ item }} to \${{ params.registry }}"
  - id: verify
    title: Verify the catalogue
    readonly: true
    run: echo "catalogue holds 3 images"
`;

/** A finished local run of a full-wipe-like runbook; the destructive step confirmed with --approve. */
export async function finishedRun(dir: string): Promise<MadeRun> {
  writeFixture(dir, 'site.yaml', 'apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: demo-site }\n');
  writeFixture(dir, 'wipe.yaml', FINISHED_RUNBOOK);
  const env = { FIELDBOOK_SECRET_REGISTRY_PASSWORD: FINISHED_SECRET };
  const result = await runCli(['run', 'wipe.yaml', '--site', 'site.yaml', '--run-id', 'wipe-1', '--ui', 'plain', '--approve', 'wipe-bucket'], { cwd: dir, env });
  expectCode(result, 0);
  return { dir, runsDir: join(dir, '.fieldbook', 'runs'), runId: 'wipe-1', env, steps: ['backup', 'list-images', 'wipe-bucket', 'repush', 'verify'], hosts: ['local'] };
}

export const TROUBLED_SECRET = 'agent-T0ken\u00e9 with spaces';

/**
 * A run over two real sshd hosts with a retried step (n1's first download fails), a crash while a step ran
 * (both units unknown, settled with --decide: n1 done, n2 rerun), and a step that fails on n2 (onFailure:
 * continue), so the run ends failed.
 */
export async function troubledRun(dir: string): Promise<MadeRun> {
  const hosts = [await startSshd({ address: '127.0.0.61' }), await startSshd({ address: '127.0.0.62' })];
  onTestFinished(async () => {
    for (const host of hosts) await host.stop();
  });
  // The scripts run as the SSH test user on this machine: a world-writable state directory of their own.
  chmodSync(dir, 0o711);
  const state = join(dir, 'host-state');
  mkdirSync(state);
  chmodSync(state, 0o777);
  writeFixture(dir, 'known_hosts', hosts.map((h) => `${h.knownHostsLine}\n`).join(''));
  writeFixture(dir, 'site.yaml', siteYaml('acme-staging', dir, hosts, state));
  writeFixture(dir, 'agents.yaml', TROUBLED_RUNBOOK);
  const env = { FIELDBOOK_SECRET_API_TOKEN: TROUBLED_SECRET };
  const journal = join(dir, '.fieldbook', 'runs', 'agents-1', 'journal.jsonl');
  // inventory (6 step/unit events) + download with one retry (8) + stop-agents (6) + migrate started (3).
  const crashed = await runCli(['run', 'agents.yaml', '--site', 'site.yaml', '--run-id', 'agents-1', '--ui', 'plain', '--approve', 'stop-agents'], { cwd: dir, env, killAt: { journal, events: 23, delayMs: 300 } });
  expect(crashed.killed, crashed.stdout + crashed.stderr).toBe(true);
  const resumed = await runCli(['resume', 'agents-1', '--ui', 'plain', '--decide', 'migrate@n1=done', '--decide', 'migrate@n2=rerun'], { cwd: dir, env });
  expectCode(resumed, 1);
  return { dir, runsDir: join(dir, '.fieldbook', 'runs'), runId: 'agents-1', env, steps: ['inventory', 'download', 'stop-agents', 'migrate', 'verify'], hosts: ['n1', 'n2'] };
}

/** The same run as `troubledRun` needs, on hosts of the caller's choosing: the site file. */
function siteYaml(name: string, dir: string, hosts: SshdLab[], state: string): string {
  return `apiVersion: fieldbook/v1
kind: Site
metadata: { name: ${name}, description: "Two staging nodes (test sshd servers on loopback)" }
ssh: { user: ${hosts[0]!.user}, knownHosts: ${join(dir, 'known_hosts')} }
hosts:
${hosts.map((h, i) => `  n${i + 1}: { address: ${h.host}, port: ${h.port}, identityFile: ${h.identityFile} }`).join('\n')}
roles:
  nodes: [${hosts.map((_, i) => `n${i + 1}`).join(', ')}]
params: { stateDir: ${state} }
`;
}

const TROUBLED_RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: node-agents-upgrade, title: Upgrade the node agents }
params:
  version: { default: "1.4.2" }
  stateDir: { required: true }
  apiToken: { secret: true, required: true }
roles: { nodes: { min: 2 } }
steps:
  - id: inventory
    title: Record the agent version on every node
    on: nodes
    readonly: true
    run: echo "host=\${{ host.name }} agent=1.4.1"
    capture: { agent: { regex: 'agent=(\\S+)' } }
  - id: download
    title: Download the new agent
    on: nodes
    retries: { count: 2, delay: 1s }
    run: |
      f=\${{ params.stateDir }}/download-\${{ host.name }}
      n=$(cat "$f" 2>/dev/null || echo 0); echo $((n + 1)) > "$f"
      if [ \${{ host.name }} = n1 ] && [ "$n" -lt 1 ]; then echo "mirror timed out" >&2; exit 28; fi
      echo "downloaded agent \${{ params.version }}"
  - id: stop-agents
    title: Stop the agents
    destructive: true
    confirm: { message: "The agents stop answering until the upgrade is done." }
    on: nodes
    run: echo "stopping the agent on \${{ host.name }} with token \${{ params.apiToken }}"
  - id: migrate
    title: Migrate the agent state
    on: nodes
    run: |
      f=\${{ params.stateDir }}/migrate-\${{ host.name }}
      echo "migrating state"
      if [ ! -e "$f" ]; then touch "$f"; sleep 20; fi
      echo "migrated"
  - id: verify
    title: Verify the agents answer
    on: nodes
    onFailure: continue
    run: |
      if [ \${{ host.name }} = n2 ]; then echo "agent on n2 does not answer on :9100" >&2; exit 3; fi
      echo "agent 1.4.2 answers"
`;

function expectCode(result: CliResult, code: number): void {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(code);
}
