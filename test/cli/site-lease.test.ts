import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startKubeApi, type KubeApi } from '../kube/api-server.js';
import { runCli, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** A local step, then a destructive one: without --approve the run pauses there (exit 3), open. */
const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: wipe-site, title: Wipe }
steps:
  - id: look
    run: echo looked
  - id: wipe
    destructive: true
    run: echo wiped
`;

/** One "machine": its own directory and FIELDBOOK_HOME, the same site (one cluster) as every other machine. */
function machine(api: KubeApi, lock = 'lock: { remote: auto }') {
  const dir = tempDirForTest();
  writeFixture(dir, 'rb.yaml', RUNBOOK);
  writeFixture(dir, 'site.yaml', `apiVersion: fieldbook/v1
kind: Site
metadata: { name: acme }
kube: { via: local, context: ${api.context}, namespace: ${api.namespace}, kubeconfig: ${api.kubeconfigPath} }
${lock}
`);
  const cli = (args: string[]) => runCli(args, { cwd: dir, env: { HOME: api.dir } });
  return { dir, cli, journal: (id: string) => readFileSync(join(dir, '.fieldbook', 'runs', id, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function kube(): Promise<KubeApi> {
  const api = await startKubeApi();
  onTestFinished(() => api.stop());
  return api;
}

const lease = (api: KubeApi) => api.requests.filter((r) => r.path.includes('/leases'));

/** Until run `id` in `dir` has a unit running (its Lease is taken before its directory exists). */
function running(dir: string, id: string) {
  const journal = join(dir, '.fieldbook', 'runs', id, 'journal.jsonl');
  return expect.poll(() => existsSync(journal) && readFileSync(journal, 'utf8').includes('"unit-started"'), { timeout: 10_000 }).toBe(true);
}

describe('the site lock every machine sees: a Lease', () => {
  it('refuses a run from another machine naming the open run, lets it resume there (import), and frees the site when it finishes', async () => {
    const api = await kube();
    const [a, b] = [machine(api), machine(api)];
    const first = await a.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'ra']);
    expect(first.code, first.stderr).toBe(3);
    expect(a.journal('ra')).toContainEqual(expect.objectContaining({ type: 'site-lock', lock: 'lease', where: expect.stringContaining('Lease fieldbook-site-acme in namespace cpaas-system') }));

    const second = await b.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'rb', '--approve', 'wipe']);
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(/refused: the site's lock Lease fieldbook-site-acme .* is held by run ra \(\S+@\S+, since \S+, paused\)/);
    expect(second.stderr).toContain('fieldbook resume ra');
    expect(second.stdout).not.toContain('looked');

    // The support engineer resumes the same run on the other machine: the paused Lease is taken back.
    const exported = await a.cli(['export', 'ra', '-o', join(b.dir, 'ra.tar.gz')]);
    expect(exported.code, exported.stderr).toBe(0);
    expect((await b.cli(['import', 'ra.tar.gz'])).code).toBe(0);
    const resumed = await b.cli(['resume', 'ra', '--ui', 'plain', '--approve', 'wipe']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('wiped');
    expect(b.journal('ra')).toContainEqual(expect.objectContaining({ type: 'site-lock', lock: 'lease', from: expect.objectContaining({ runId: 'ra', state: 'paused' }) }));

    // Finished: the Lease is released, and the second machine's run may start.
    const now = await b.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'rb', '--approve', 'wipe']);
    expect(now.stderr).toBe('');
    expect(now.code).toBe(0);
    // Every write was a compare-and-swap: a create, then replaces at the version read.
    expect(lease(api).map((r) => r.method)).toContain('PUT');
  });

  it('frees the site when the open run is abandoned', async () => {
    const api = await kube();
    const [a, b] = [machine(api), machine(api)];
    expect((await a.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'ra'])).code).toBe(3);
    expect((await b.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'rb', '--approve', 'wipe'])).code).toBe(4);
    const abandoned = await a.cli(['abandon', 'ra', '--reason', 'customer cancelled']);
    expect(abandoned.code, abandoned.stderr).toBe(0);
    expect(abandoned.stdout).toContain('released the site lock Lease fieldbook-site-acme');
    const now = await b.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'rb', '--approve', 'wipe']);
    expect(now.code, now.stderr).toBe(0);
  });

  it('a dry run and a rehearsal take no Lease; a site without lock.remote keeps the local lock, its journal as before', async () => {
    const api = await kube();
    const a = machine(api);
    expect((await a.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'd', '--dry-run'])).code).toBe(0);
    expect((await a.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r', '--rehearse'])).code).toBe(0);
    expect(lease(api)).toEqual([]);
    const off = machine(api, '');
    expect((await off.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'o'])).code).toBe(3);
    expect(lease(api)).toEqual([]);
    expect(off.journal('o').map((e) => e['type'])).not.toContain('site-lock');
    // Another machine is not stopped then: the default keeps today's behaviour.
    const other = machine(api, '');
    expect((await other.cli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'p'])).code).toBe(3);
  });

  it('a break with unlock --remote is refused while the lock is renewed, forced, journaled, and stops the run that lost it', async () => {
    const api = await kube();
    const a = machine(api, 'lock: { remote: auto, leaseSeconds: 15 }');
    writeFixture(a.dir, 'slow.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: slow, title: Slow }
steps:
  - id: long
    run: for i in $(seq 1 300); do [ -f release ] && break; sleep 0.1; done; echo slept
  - id: after
    run: echo after
`);
    const driving = a.cli(['run', 'slow.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 's']);
    await running(a.dir, 's');
    const b = machine(api, 'lock: { remote: auto, leaseSeconds: 15 }');
    const refused = await b.cli(['unlock', '--remote', '--site', 'site.yaml']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/held by run s \(.*active\).*--force/);
    const forced = await a.cli(['unlock', '--remote', '--site', 'site.yaml', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('broke Lease fieldbook-site-acme');
    expect(forced.stdout).toContain('journaled in run s');
    // The step ends once the driving process has tried to renew (its replace, refused with a 409).
    const puts = () => lease(api).filter((r) => r.method === 'PUT').length;
    const afterBreak = puts();
    await expect.poll(puts, { timeout: 10_000 }).toBeGreaterThan(afterBreak);
    writeFileSync(join(a.dir, 'release'), '');
    const stopped = await driving;
    expect(stopped.code).toBe(4);
    expect(stopped.stderr).toContain('the site lock (Lease fieldbook-site-acme');
    expect(stopped.stdout).not.toContain('after |');
    expect(a.journal('s').map((e) => e['type'])).toContain('site-lock-broken');
  });
  it('resume of the same run from another machine is refused while a process there still renews its Lease', async () => {
    const api = await kube();
    const [a, b] = [machine(api), machine(api)];
    writeFixture(a.dir, 'slow.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: slow, title: Slow }
steps:
  - id: long
    run: for i in $(seq 1 300); do [ -f release ] && break; sleep 0.1; done; echo slept
`);
    const driving = a.cli(['run', 'slow.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 's']);
    await running(a.dir, 's');
    expect((await a.cli(['export', 's', '-o', join(b.dir, 's.tar.gz')])).code).toBe(0);
    expect((await b.cli(['import', 's.tar.gz'])).code).toBe(0);
    const refused = await b.cli(['resume', 's', '--ui', 'plain']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/held by run s \(.*active\): a process on \S+ is driving this run right now/);
    writeFileSync(join(a.dir, 'release'), '');
    expect((await driving).code).toBe(0);
  });
  it('a Lease its process stopped renewing (a crash) is taken back by resume once it is stale, not before', async () => {
    const api = await kube();
    const a = machine(api, 'lock: { remote: auto, leaseSeconds: 15 }');
    writeFixture(a.dir, 'slow.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: slow, title: Slow }
steps:
  - id: long
    idempotent: true
    run: sleep 2; echo slept
`);
    const journal = join(a.dir, '.fieldbook', 'runs', 's', 'journal.jsonl');
    const killed = await runCli(['run', 'slow.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 's'], { cwd: a.dir, env: { HOME: api.dir }, killAt: { journal, events: 2 } });
    expect(killed.killed).toBe(true);
    const crashedAt = Date.now();
    const early = await a.cli(['resume', 's', '--ui', 'plain']);
    expect(early.code).toBe(4);
    expect(early.stderr).toContain('is driving this run right now');
    let resumed: Awaited<ReturnType<typeof a.cli>> | undefined;
    await expect.poll(async () => (resumed = await a.cli(['resume', 's', '--ui', 'plain'])).code, { timeout: 40_000, interval: 2_000 }).toBe(0);
    expect(Date.now() - crashedAt).toBeGreaterThan(12_000);
    expect(resumed?.stdout).toMatch(/took it back from run s \(\S+, since \S+, active\)/);
    expect(a.journal('s')).toContainEqual(expect.objectContaining({ type: 'site-lock', lock: 'lease', from: expect.objectContaining({ runId: 's', state: 'active' }) }));
  }, 60_000);
});
