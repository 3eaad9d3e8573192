import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, writeFixture } from '../harness/cli.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { tempDirForTest } from '../harness/tmp.js';
import { writeLabSite } from './helpers.js';

/** `fieldbook run` over SSH to real sshd hosts, end to end through the CLI. */

async function lab(address: string): Promise<SshdLab> {
  const sshd = await startSshd({ address });
  onTestFinished(() => sshd.stop());
  return sshd;
}

describe('fieldbook run over SSH', () => {
  it('fans a step out over real hosts and captures per host', async () => {
    const hosts = [await lab('127.0.0.21'), await lab('127.0.0.22')];
    const dir = tempDirForTest();
    writeLabSite(dir, hosts);
    writeFixture(dir, 'rb.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: over-ssh, title: Over SSH }
roles: { nodes: { min: 2 } }
steps:
  - id: whoami
    on: nodes
    run: echo "user=$(id -un) host=\${{ host.name }} from=\${SSH_CONNECTION%% *}"
    capture: { user: { regex: 'user=(\\S+)' } }
`);
    const result = await runCli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 's'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/whoami@n1 \| user=fieldbook-test host=n1/);
    expect(result.stdout).toMatch(/whoami@n2 \| user=fieldbook-test host=n2/);
    const shown = await runCli(['show', 's'], { cwd: dir });
    // One row per host: each host's captured value.
    expect(shown.stdout).toMatch(/outputs per host\n\s+host\s+user\n\s+n1\s+fieldbook-test\n\s+n2\s+fieldbook-test\n/);
  });

  it('refuses an unknown host key, naming its fingerprint, and accepts it with --accept-host-key', async () => {
    const host = await lab('127.0.0.23');
    const dir = tempDirForTest();
    writeLabSite(dir, [host], { knownHosts: false });
    writeFixture(dir, 'rb.yaml', 'apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: k, title: K }\nroles: { nodes: {} }\nsteps:\n  - id: hello\n    on: nodes\n    onFailure: abort\n    run: echo hello\n');
    const refused = await runCli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'k'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(host.hostKeyFingerprint);
    expect(refused.stdout).toContain(`--accept-host-key n1=${host.hostKeyFingerprint}`);
    expect(refused.stdout).not.toContain('hello | hello');
    const accepted = await runCli(['resume', 'k', '--ui', 'plain', '--accept-host-key', `n1=${host.hostKeyFingerprint}`], { cwd: dir });
    expect(accepted.stdout).toContain('hello@n1 | hello');
    expect(accepted.code).toBe(0);
    expect(readFileSync(join(dir, 'known_hosts'), 'utf8')).toContain(host.host);
  });

  it('a detached step survives a crash of fieldbook: resume reattaches, it runs once, output is not repeated', async () => {
    const host = await lab('127.0.0.24');
    const dir = tempDirForTest();
    writeLabSite(dir, [host]);
    // The test user writes it on the "host" (this machine): /tmp, removed afterwards.
    const marker = `fieldbook-detach-${Date.now()}`;
    onTestFinished(() => rmSync(`/tmp/${marker}`, { force: true }));
    writeFixture(dir, 'rb.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: d, title: D }
roles: { nodes: {} }
steps:
  - id: upload
    on: nodes
    detach: true
    run: |
      echo started >> /tmp/${marker}
      for i in 1 2 3 4 5 6; do echo "chunk $i"; sleep 0.3; done
`);
    const journal = join(dir, '.fieldbook', 'runs', 'd', 'journal.jsonl');
    // The detached step's directory on the "host" (the test user's home on this machine) goes with the test.
    onTestFinished(() => {
      const remote = join('/home', host.user, '.fieldbook', 'runs');
      for (const name of existsSync(remote) ? readdirSync(remote) : []) if (name.startsWith('d-') && statSync(join(remote, name)).mtimeMs >= started) rmSync(join(remote, name), { recursive: true, force: true });
    });
    const started = Date.now();
    const first = runCli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'd'], { cwd: dir, killAt: { journal, events: 2, delayMs: 700 } });
    const killed = await first;
    expect(killed.killed, killed.stdout + killed.stderr).toBe(true);
    await delay(200);
    const resumed = await runCli(['resume', 'd', '--ui', 'plain'], { cwd: dir });
    expect(resumed.stdout).toContain('reattach (detached step)');
    expect(resumed.code).toBe(0);
    const log = readFileSync(join(dir, '.fieldbook', 'runs', 'd', 'logs', 'upload', 'n1.log'), 'utf8');
    for (let i = 1; i <= 6; i++) expect(log.split(`chunk ${i}\n`).length - 1, `chunk ${i} once in the log`).toBe(1);
    expect((await runCli(['show', 'd'], { cwd: dir })).stdout).toContain('✔ upload succeeded');
    expect(readFileSync(`/tmp/${marker}`, 'utf8')).toBe('started\n');
  }, 60_000);
});
