import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { REGISTRY_V2, startRegistryV2Cluster } from '../kube/registry-v2.js';
import { startAcLab, type AcLab } from './ac-lab.js';
import { deleteManifest, listTags, pulls, pushImages, type TestImage } from './registry-fixture.js';

// runbooks/acp-registry-v2-prune.yaml end to end through the CLI: kubectl against a test API server serving an
// ACP Registry v2 on a real docker-registry's storage, and the ac stand-in (documented output) on the same
// registry. The prune's dry run becomes the reviewed list; the operator approves it by digest; exactly those
// tags go; the kept ones still pull. An ac without --confirm is refused; so is the legacy registry. What the prune
// deleted is measured (the Image API's ImageStreamTags before and after), not read from ac's output, which no
// document describes: an ac that words it otherwise, or deletes more than it says, is still checked. A candidate
// added after the review is refused before anything is deleted; a GC preview whose list and count disagree stops.

const SIZE = 40_000;
const IMAGES: TestImage[] = [
  ...['v1', 'v2', 'v3', 'v4', 'v5'].map((tag, i) => ({ repository: 'team-a/web', tags: [tag], created: `2023-0${i + 1}-10T08:00:00Z`, size: SIZE })),
  ...['1.0', '1.1', '1.2'].map((tag, i) => ({ repository: 'team-b/api', tags: [tag], created: `2023-0${i + 1}-01T00:00:00Z`, size: SIZE })),
  ...['a', 'b', 'c', 'd'].map((tag, i) => ({ repository: 'cpaas-system/core', tags: [tag], created: `2022-0${i + 1}-01T00:00:00Z`, size: SIZE })),
];
// keepTagRevisions 2, cpaas-system whitelisted: the 3 oldest of team-a/web and the oldest of team-b/api go.
const PRUNED = ['team-a/web:v1', 'team-a/web:v2', 'team-a/web:v3', 'team-b/api:1.0'];
const KEPT = ['team-a/web:v4', 'team-a/web:v5', 'team-b/api:1.1', 'team-b/api:1.2', 'cpaas-system/core:a', 'cpaas-system/core:d'];

let lab: AcLab;
beforeAll(async () => {
  lab = await startAcLab(IMAGES, { cluster: true });
}, 240_000);
afterAll(() => lab?.stop());

function site(dir: string, dataPath: string, kubeconfig: string, whitelist: string[] = ['^cpaas-system/']): string {
  const path = join(dir, 'site.yaml');
  writeFileSync(
    path,
    `apiVersion: fieldbook/v1
kind: Site
metadata: { name: acp-lab }
kube: { via: local, kubeconfig: ${kubeconfig}, namespace: ${REGISTRY_V2.namespace} }
params:
  keepTagRevisions: 2
  keepYoungerThan: 1h
  whitelist: [${whitelist.map((w) => `'${w}'`).join(', ')}]
  registryDataPath: ${dataPath}
`,
  );
  return path;
}

// The tests below each push their own repository and whitelist every other one, so that each prunes only its own.
const OWN_REPOSITORIES = ['wording/app', 'extra/app', 'fresh/app', 'gc/app'];
function onlyRepository(repository: string): string[] {
  return ['^cpaas-system/', '^team-a/', '^team-b/', ...OWN_REPOSITORIES.filter((r) => r !== repository).map((r) => `^${r}$`)];
}
/** `tags` of `repository`, one image each, oldest first (2023-01, 2023-02, ...). */
function ownImages(repository: string, tags: string[], firstMonth = 1): TestImage[] {
  return tags.map((tag, i) => ({ repository, tags: [tag], created: `2023-${String(firstMonth + i).padStart(2, '0')}-01T00:00:00Z`, size: SIZE }));
}
const digestOf = (stdout: string, step: string) => new RegExp(`--approve ${step}=([0-9a-f]{32})`).exec(stdout)?.[1];

const env = (bin: string) => ({ PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}` });
const approvals = ['--approve', 'verify-workloads', '--record', 'verify-workloads.usageAfter=measured'];

describe('acp-registry-v2-prune', () => {
  test('reviews the dry run, prunes exactly those tags by the approved digest, previews and runs GC; kept tags pull', { timeout: 300_000 }, async () => {
    const dir = tempDirForTest();
    const cluster = lab.cluster!;
    const sitePath = site(dir, cluster.dataPath, cluster.kubeconfigPath);
    const first = await runCli(['run', 'acp-registry-v2-prune', '--site', sitePath, '--run-id', 'p', '--ui', 'plain', ...approvals], { cwd: dir, env: env(lab.ac.bin) });
    expect(first.code, first.stdout + first.stderr).toBe(3);
    // The dry run's tags, in full, with the digest the approval must name.
    const listed = first.stdout.split('\n').filter((l) => /^ {6}\S+:\S+$/.test(l)).map((l) => l.trim());
    expect(listed.sort()).toEqual([...PRUNED].sort());
    const digest = /--approve prune=([0-9a-f]{32})/.exec(first.stdout)?.[1];
    expect(digest, first.stdout).toBeDefined();
    expect((await listTags(lab.registry, 'team-a/web')).sort()).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);

    const second = await runCli(['resume', 'p', '--ui', 'plain', '--approve', `prune=${digest}`, ...approvals], { cwd: dir, env: env(lab.ac.bin) });
    expect(second.code, second.stdout + second.stderr).toBe(3);
    const gcDigest = /--approve registry-gc=([0-9a-f]{32})/.exec(second.stdout)?.[1];
    expect(gcDigest, second.stdout).toBeDefined();
    expect(await listTags(lab.registry, 'team-a/web')).toEqual(['v4', 'v5']);
    expect(await listTags(lab.registry, 'team-b/api')).toEqual(['1.1', '1.2']);

    const third = await runCli(['resume', 'p', '--ui', 'plain', '--approve', `prune=${digest}`, '--approve', `registry-gc=${gcDigest}`, ...approvals], { cwd: dir, env: env(lab.ac.bin) });
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(third.stdout).toMatch(/registry-gc.*Freed up .* of disk space/);
    for (const ref of KEPT) expect(await pulls(lab.registry, ref, dir), ref).toBe(true);
    for (const ref of PRUNED) expect(await pulls(lab.registry, ref, dir), ref).toBe(false);
    const shown = await runCli(['show', 'p'], { cwd: dir });
    expect(shown.stdout).toMatch(/reviewed list: 4 items/);
  });

  test('an ac without --confirm is refused before anything changes, not run as a "real" prune that only previews', { timeout: 120_000 }, async () => {
    const dir = tempDirForTest();
    const old = await lab.installAnother('old-ac', { flavor: 'old' });
    const sitePath = site(dir, lab.cluster!.dataPath, lab.cluster!.kubeconfigPath);
    const before = await listTags(lab.registry, 'team-b/api');
    const run = await runCli(['run', 'acp-registry-v2-prune', '--site', sitePath, '--run-id', 'old', '--ui', 'plain'], { cwd: dir, env: env(old.bin) });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('this ac has no --confirm for adm prune images: refusing');
    expect(await listTags(lab.registry, 'team-b/api')).toEqual(before);
  });

  test('the legacy registry is refused by the version guard, with the reason', { timeout: 120_000 }, async () => {
    const dir = tempDirForTest();
    const legacy = await startRegistryV2Cluster({ registry: lab.registry, legacy: true });
    try {
      const run = await runCli(['run', 'acp-registry-v2-prune', '--site', site(dir, legacy.dataPath, legacy.kubeconfigPath), '--run-id', 'legacy', '--ui', 'plain'], { cwd: dir, env: env(lab.ac.bin) });
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).toContain('this cluster runs the legacy registry (cpaas-system, app=image-registry)');
    } finally {
      await legacy.stop();
    }
  });

  test('a real prune that words its deletions otherwise is measured: the tags it deleted are checked, none is said to be kept', { timeout: 300_000 }, async () => {
    const dir = tempDirForTest();
    await pushImages(lab.registry, ownImages('wording/app', ['v1', 'v2', 'v3', 'v4']), join(dir, 'layout'));
    // Nothing documents the confirmed run's lines: this ac says "Removed", not the stand-in's usual "Deleted".
    const ac = await lab.installAnother('removed-ac', { confirmWording: 'Removed {ref}' });
    const sitePath = site(dir, lab.cluster!.dataPath, lab.cluster!.kubeconfigPath, onlyRepository('wording/app'));
    const first = await runCli(['run', 'acp-registry-v2-prune', '--site', sitePath, '--run-id', 'w', '--ui', 'plain', ...approvals], { cwd: dir, env: env(ac.bin) });
    expect(first.code, first.stdout + first.stderr).toBe(3);
    const digest = digestOf(first.stdout, 'prune');
    expect(digest, first.stdout).toBeDefined();

    const second = await runCli(['resume', 'w', '--ui', 'plain', '--approve', `prune=${digest}`, ...approvals], { cwd: dir, env: env(ac.bin) });
    const out = second.stdout + second.stderr;
    expect(out).toContain('Removed wording/app:v1');
    expect(await listTags(lab.registry, 'wording/app')).toEqual(['v3', 'v4']);
    // The run goes on to the GC's review: the prune deleted exactly what was reviewed, measured.
    expect(second.code, out).toBe(3);
    expect(out).not.toContain('UNREVIEWED');
    expect(out).not.toMatch(/kept although reviewed: wording\/app/);
    expect(out).toContain('reviewed 2, deleted 2 (measured');
  });

  test('a tag the real prune deletes without review (and without saying so) stops the run UNREVIEWED, naming it', { timeout: 300_000 }, async () => {
    const dir = tempDirForTest();
    await pushImages(lab.registry, ownImages('extra/app', ['v1', 'v2', 'v3', 'v4']), join(dir, 'layout'));
    // This ac words its deletions otherwise and also deletes the newest tag, which was never a candidate.
    const ac = await lab.installAnother('extra-ac', { confirmWording: 'Removed {ref}', extraDeleteOnConfirm: 'extra/app:v4' });
    const sitePath = site(dir, lab.cluster!.dataPath, lab.cluster!.kubeconfigPath, onlyRepository('extra/app'));
    const first = await runCli(['run', 'acp-registry-v2-prune', '--site', sitePath, '--run-id', 'x', '--ui', 'plain', ...approvals], { cwd: dir, env: env(ac.bin) });
    expect(first.code, first.stdout + first.stderr).toBe(3);
    const digest = digestOf(first.stdout, 'prune');

    const second = await runCli(['resume', 'x', '--ui', 'plain', '--approve', `prune=${digest}`, ...approvals], { cwd: dir, env: env(ac.bin) });
    const out = second.stdout + second.stderr;
    expect(second.code, out).toBe(1);
    expect(out).toMatch(/UNREVIEWED.*extra\/app:v4/);
    expect(out).not.toMatch(/UNREVIEWED.*extra\/app:v[123]/);
    expect(out).not.toMatch(/kept although reviewed: extra\/app:v[12]/);
    expect(await listTags(lab.registry, 'extra/app')).toEqual(['v3']);
  });

  test('a candidate added between the review and the prune is refused before anything is deleted', { timeout: 300_000 }, async () => {
    const dir = tempDirForTest();
    await pushImages(lab.registry, ownImages('fresh/app', ['v1', 'v2', 'v3']), join(dir, 'layout'));
    const sitePath = site(dir, lab.cluster!.dataPath, lab.cluster!.kubeconfigPath, onlyRepository('fresh/app'));
    const first = await runCli(['run', 'acp-registry-v2-prune', '--site', sitePath, '--run-id', 'f', '--ui', 'plain', ...approvals], { cwd: dir, env: env(lab.ac.bin) });
    expect(first.code, first.stdout + first.stderr).toBe(3);
    const digest = digestOf(first.stdout, 'prune');
    expect(first.stdout).toMatch(/^ {6}fresh\/app:v1$/m);
    expect(first.stdout).not.toMatch(/^ {6}fresh\/app:v2$/m);

    // A push after the review: v2 is now the third newest, a candidate nobody reviewed.
    await pushImages(lab.registry, ownImages('fresh/app', ['v4'], 4), join(dir, 'layout-2'));
    const second = await runCli(['resume', 'f', '--ui', 'plain', '--approve', `prune=${digest}`, ...approvals], { cwd: dir, env: env(lab.ac.bin) });
    const out = second.stdout + second.stderr;
    expect(second.code, out).toBe(1);
    expect(out).toContain('not reviewed: fresh/app:v2');
    expect(out).toContain('refused, nothing was pruned');
    expect(await listTags(lab.registry, 'fresh/app')).toEqual(['v1', 'v2', 'v3', 'v4']);
  });

  test('a GC preview that counts blobs but names none stops there: an empty list is never offered for approval', { timeout: 300_000 }, async () => {
    const dir = tempDirForTest();
    const pushed = await pushImages(lab.registry, ownImages('gc/app', ['v1']), join(dir, 'layout'));
    await deleteManifest(lab.registry, 'gc/app', pushed.digests.get('gc/app:v1')!);
    // An ac whose preview prints its summary ("Would delete N blobs") but not the per-blob lines.
    const ac = await lab.installAnother('quiet-gc-ac', { gcBlobLines: false });
    const sitePath = site(dir, lab.cluster!.dataPath, lab.cluster!.kubeconfigPath, ['.*']);
    // Nothing to prune; an operator ready to approve empty lists (4f53cda18c2b: the digest of every empty list).
    const empty = ['--approve', 'prune=4f53cda18c2b', '--approve', 'registry-gc=4f53cda18c2b'];
    const run = await runCli(['run', 'acp-registry-v2-prune', '--site', sitePath, '--run-id', 'g', '--ui', 'plain', ...empty, ...approvals], { cwd: dir, env: env(ac.bin) });
    const out = run.stdout + run.stderr;
    expect(run.code, out).toBe(1);
    expect(out).toMatch(/refused: ac's GC preview says it would delete [1-9]\d* blobs but names 0/);
    expect(out).not.toMatch(/--approve registry-gc=[0-9a-f]{32}/); // named ahead as a placeholder only
    expect(readFileSync(ac.log, 'utf8')).not.toContain('registry gc --confirm');
  });

  test('with nothing to prune or collect, the prune and the GC are skipped, not run on an approved empty list', { timeout: 300_000 }, async () => {
    const dir = tempDirForTest();
    const ac = await lab.installAnother('idle-ac', {});
    // Whatever earlier tests left unreferenced is collected first, so the preview finds nothing.
    expect((await ac.run(['adm', 'registry', 'gc', '--confirm'])).code).toBe(0);
    const sitePath = site(dir, lab.cluster!.dataPath, lab.cluster!.kubeconfigPath, ['.*']);
    const empty = ['--approve', 'prune=4f53cda18c2b', '--approve', 'registry-gc=4f53cda18c2b'];
    const run = await runCli(['run', 'acp-registry-v2-prune', '--site', sitePath, '--run-id', 'n', '--ui', 'plain', ...empty, ...approvals], { cwd: dir, env: env(ac.bin) });
    const out = run.stdout + run.stderr;
    expect(run.code, out).toBe(0);
    expect(out).toMatch(/prune skipped: condition is false/);
    expect(out).toMatch(/registry-gc skipped: condition is false/);
    const log = readFileSync(ac.log, 'utf8');
    expect(log).not.toMatch(/prune images .*--confirm/);
    expect(log.match(/registry gc --confirm/g) ?? []).toHaveLength(1);
  });

  test('plan shows the version guard and the reviews', async () => {
    const dir = tempDirForTest();
    const planned = await runCli(['plan', 'acp-registry-v2-prune', '--site', site(dir, '/registry', '/dev/null')], { cwd: dir });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('version-guard');
    expect(planned.stdout).toContain('review: every item of ${{ steps.prune-preview.outputs.candidates }}');
    expect(planned.stdout).toContain('review: every item of ${{ steps.gc-preview.outputs.blobs }}');
    expect(planned.stdout).toContain('checks: every item of its deleted is on the list reviewed at prune');
    expect(planned.stdout).toContain('when ${{ steps.gc-preview.outputs.count != 0 }}');
    expect(planned.stdout).not.toContain('--registry-url');
  });
});
