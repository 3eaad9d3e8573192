import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startKubeApi, type KubeApi } from '../kube/api-server.js';
import { runCli, writeFixture } from '../harness/cli.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { tempDirForTest } from '../harness/tmp.js';

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: wipe-site, title: Wipe }
roles: { nodes: {} }
steps:
  - id: look
    on: nodes
    run: echo looked
  - id: wipe
    destructive: true
    on: nodes
    run: echo wiped
`;

/** The lock directory on the host (this machine, as the lab's test user), removed after the test. */
function lockDirOf(sshd: SshdLab, site: string): string {
  const home = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === sshd.user)?.[5];
  const dir = join(home ?? '/nonexistent', '.fieldbook', 'locks', `${site}.lock`);
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** One operator's machine: a FIELDBOOK_HOME of its own, the same site (hosts, and a cluster when given). */
function machine(sshd: SshdLab, site: string, api?: KubeApi) {
  const dir = tempDirForTest();
  writeFixture(dir, 'rb.yaml', RUNBOOK);
  writeFixture(dir, 'known_hosts', `${sshd.knownHostsLine}\n`);
  writeFixture(dir, 'site.yaml', `apiVersion: fieldbook/v1
kind: Site
metadata: { name: ${site} }
ssh: { user: ${sshd.user}, knownHosts: ${join(dir, 'known_hosts')} }
hosts:
  n1: { address: ${sshd.host}, port: ${sshd.port}, identityFile: ${sshd.identityFile} }
roles: { nodes: [n1] }
${api ? `kube: { via: local, context: ${api.context}, namespace: ${api.namespace}, kubeconfig: ${api.kubeconfigPath} }\n` : ''}lock: { remote: auto }
`);
  const cli = (args: string[]) => runCli(args, { cwd: dir, env: api ? { HOME: api.dir } : {} });
  return { dir, cli, journal: (id: string) => readFileSync(join(dir, '.fieldbook', 'runs', id, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function lab(): Promise<SshdLab> {
  const sshd = await startSshd({ address: '127.0.0.81' });
  onTestFinished(() => sshd.stop());
  return sshd;
}

describe('the site lock every machine sees: a lock directory on the first host over SSH', () => {
  it('is used when RBAC refuses the Lease, says so in the journal, and refuses a run from another machine', async () => {
    const sshd = await lab();
    const api = await startKubeApi({ forbid: ['get', 'create', 'update'].map((verb) => ({ verb, resource: 'leases' })) });
    onTestFinished(() => api.stop());
    const site = `rbac-${randomBytes(3).toString('hex')}`;
    const lockDir = lockDirOf(sshd, site);
    const [a, b] = [machine(sshd, site, api), machine(sshd, site, api)];
    const first = await a.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'ra']);
    expect(first.code, first.stderr).toBe(3);
    expect(first.stdout).toContain('RBAC refused the site\'s Lease');
    const chosen = a.journal('ra').find((e) => e['type'] === 'site-lock');
    expect(chosen).toMatchObject({ lock: 'ssh', where: `${sshd.user}@n1:~/.fieldbook/locks/${site}.lock` });
    expect(chosen?.['note']).toMatch(/RBAC refused the site's Lease \(kubectl get lease fieldbook-site-rbac-\w+: Error from server \(Forbidden\)/);
    expect(JSON.parse(readFileSync(join(lockDir, 'holder'), 'utf8'))).toMatchObject({ runId: 'ra', state: 'paused' });

    const second = await b.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'rb', '--approve', 'wipe']);
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(new RegExp(`refused: the site's lock ${sshd.user}@n1:~/.fieldbook/locks/${site}.lock is held by run ra \\(\\S+, since \\S+, paused\\)`));
    expect(second.stdout).not.toContain('looked');

    // Resumed to its end (here, on the first machine): the directory is gone and the other machine may run.
    const resumed = await a.cli(['resume', 'ra', '--ui', 'plain', '--approve', 'wipe']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(existsSync(lockDir)).toBe(false);
    const now = await b.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'rb', '--approve', 'wipe']);
    expect(now.code, now.stderr).toBe(0);
  });

  it('holds a hosts-only site: another run is refused, the same run resumes from another machine, unlock --remote breaks it', async () => {
    const sshd = await lab();
    const site = `hosts-${randomBytes(3).toString('hex')}`;
    const lockDir = lockDirOf(sshd, site);
    const [a, b] = [machine(sshd, site), machine(sshd, site)];
    expect((await a.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'ra'])).code).toBe(3);
    expect(a.journal('ra')).toContainEqual(expect.objectContaining({ type: 'site-lock', lock: 'ssh' }));
    const refused = await b.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'rb']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/is held by run ra \(.*paused\)/);

    // The other machine resumes the same run from an export: the paused lock is taken back, then released.
    expect((await a.cli(['export', 'ra', '-o', join(b.dir, 'ra.tar.gz')])).code).toBe(0);
    expect((await b.cli(['import', 'ra.tar.gz'])).code).toBe(0);
    const resumed = await b.cli(['resume', 'ra', '--ui', 'plain']);
    expect(resumed.code).toBe(3); // still waiting for the phrase: paused again, on this machine
    expect(JSON.parse(readFileSync(join(lockDir, 'holder'), 'utf8'))).toMatchObject({ runId: 'ra', state: 'paused' });
    expect(b.journal('ra')).toContainEqual(expect.objectContaining({ type: 'site-lock', lock: 'ssh', from: expect.objectContaining({ runId: 'ra' }) }));

    const broken = await a.cli(['unlock', '--remote', '--site', 'site.yaml']);
    expect(broken.code, broken.stderr).toBe(0);
    expect(broken.stdout).toContain(`broke ${sshd.user}@n1:~/.fieldbook/locks/${site}.lock (held by run ra`);
    expect(a.journal('ra')).toContainEqual(expect.objectContaining({ type: 'site-lock-broken', holder: expect.objectContaining({ runId: 'ra' }) }));
    expect(existsSync(lockDir)).toBe(false);
  });
});
