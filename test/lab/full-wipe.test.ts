// End to end: the main runbook, through the CLI, against the rehearsal lab (real sshd, docker-registry, skopeo,
// kubectl and the test API server). Each scenario gets its own lab on its own loopback addresses.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { onTestFinished, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/journal/events.js';
import { tempDirForTest } from '../harness/tmp.js';
import {
  CORE_IMAGES,
  CURRENT_IMAGES,
  OLD_IMAGES,
  OPERATOR_IMAGES,
  PLUGIN_IMAGES,
  PLUGIN_PACKAGES,
  RECORDED_OPERATORS,
  RECORDED_PLUGINS,
  REQUIRED_PACKAGES,
  SEED_IMAGES,
  packageFile,
} from './catalogue.js';
import {
  compileLab,
  extract,
  fieldbook,
  fileBytes,
  journal,
  labUp,
  processesMatching,
  standInActions,
  treeDigest,
  unitEvents,
  waitFor,
  type TestLab,
} from './lab-harness.js';
import { HOSTS, type LabSettings } from './settings.js';
import { LAB_SITE_NAME } from './site.js';

const RUNBOOK = 'acp-registry-full-wipe';
const RESTORE = 'acp-registry-restore';
const APPROVALS = ['--approve', 'maintenance-window', '--record', 'maintenance-window.ticket=CHG-LAB-1', '--approve', 'wipe-bucket'];

async function startLab(settings: Parameters<typeof labUp>[0]): Promise<TestLab> {
  const started = performance.now();
  const lab = await labUp(settings);
  onTestFinished(() => lab.down());
  console.log(`lab up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return lab;
}

async function pullable(lab: TestLab, refs: readonly string[]): Promise<Record<string, boolean>> {
  const results = await Promise.all(refs.map(async (ref) => [ref, await lab.registry.pulls(ref)] as const));
  return Object.fromEntries(results);
}

const all = (refs: readonly string[], value: boolean) => Object.fromEntries(refs.map((ref) => [ref, value]));

function finished(events: JournalEvent[], step: string) {
  return unitEvents(events, step, 'unit-finished');
}

const sha256File = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The backup archives of a run on every host, as the hosts' files (`/cpaas/backup/<run>/<host>-minio.tar`). */
function archivesOf(lab: TestLab, runId: string): string[] {
  return HOSTS.map((host) => join(lab.paths.host(host), 'backup', runId, `${host}-minio.tar`));
}

function stepOutputs(events: JournalEvent[], step: string): Record<string, unknown> {
  const done = events.findLast((e) => e.type === 'step-finished' && e.step === step);
  return (done as { outputs?: Record<string, unknown> } | undefined)?.outputs ?? {};
}

describe('acp-registry-full-wipe in the lab', () => {
  beforeAll(() => compileLab(), 120_000);

  it('records plugins and Operators of both clusters, backs up per run, wipes for real, re-pushes every recorded package, and the restore brings the old images back', { timeout: 240_000 }, async () => {
    const lab = await startLab({ addresses: ['127.0.0.21', '127.0.0.22', '127.0.0.23'], uploadDelay: 1 });
    const home = tempDirForTest('fieldbook-lab-home-');
    const { paths, registry } = lab;

    // Before: every image of the lab pulls, and the MinIO data of each node is known to the byte.
    expect(await pullable(lab, SEED_IMAGES)).toEqual(all(SEED_IMAGES, true));
    const minioBefore = Object.fromEntries(HOSTS.map((h) => [h, treeDigest(paths.minio(h))]));
    const minioBytesBefore = Object.fromEntries(HOSTS.map((h) => [h, fileBytes(paths.minio(h))]));
    const bucketBytesBefore = fileBytes(paths.registryStorage);
    const mark = registry.logSize();

    const runId = 'e2e-full-wipe';
    const started = performance.now();
    const running = fieldbook(['run', RUNBOOK, '--site', paths.site, '--ui', 'plain', '--run-id', runId, ...APPROVALS], { home, runId, env: lab.secretEnv, timeoutMs: 180_000 });

    // Right after the wipe (res/upload.sh takes a second before its first push): the registry is empty.
    await waitFor(() => finished(journal(home, runId), 'wipe-bucket').length > 0, 90_000, 'the wipe to finish');
    const wipedAt = performance.now();
    const [catalogAfterWipe, statusesAfterWipe] = await Promise.all([registry.catalog(), Promise.all(SEED_IMAGES.map((ref) => registry.manifestStatus(ref)))]);
    const bucketAfterWipe = fileBytes(paths.registryStorage);
    // Nothing was pushed back while we looked (else the checks below would not be about the wipe).
    expect(registry.writes(mark), 'an upload started before the post-wipe checks were done').toBe(0);
    expect(catalogAfterWipe).toEqual([]);
    expect(statusesAfterWipe).toEqual(SEED_IMAGES.map(() => 404));
    expect(bucketAfterWipe).toBe(0);

    const result = await running;
    console.log(`full wipe run: ${(result.ms / 1000).toFixed(1)} s (wipe done after ${((wipedAt - started) / 1000).toFixed(1)} s)`);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const events = journal(home, runId);

    // The MinIO pod was found, not assumed: the decoy MinIO failed the exec check.
    expect(stepOutputs(events, 'check-minio-pods')['result']).toEqual(['confirmed kube-system registry-minio-0 minio', 'rejected minio-system minio-tenant-0 minio']);
    expect(stepOutputs(events, 'minio-pod')).toEqual({ namespace: 'kube-system', pod: 'registry-minio-0', container: 'minio' });

    // Plugins and Operators of both clusters, recorded as the vendor does (through kubectl on cp1).
    const recorded = stepOutputs(events, 'record-installed');
    expect(recorded['plugins']).toEqual(RECORDED_PLUGINS);
    expect(recorded['operators']).toEqual(RECORDED_OPERATORS);
    // A package of the recorded version was found for each, before anything changed.
    expect((stepOutputs(events, 'check-packages')['package'] as string[]).sort()).toEqual([...REQUIRED_PACKAGES].sort());
    expect(events.findIndex((e) => e.type === 'step-finished' && e.step === 'check-packages')).toBeLessThan(events.findIndex((e) => e.type === 'step-started' && e.step === 'backup-minio'));

    // Backups: one archive per node in this run's own directory, as large as the data's bytes, its sha256
    // recorded and written beside it, and restoring it gives back the data exactly.
    const backup = stepOutputs(events, 'backup-minio') as { archive: string[]; tarBytes: string[]; dataBytes: string[]; sha256: string[] };
    expect(backup.archive).toEqual(HOSTS.map((h) => `/cpaas/backup/${runId}/${h}-minio.tar`));
    for (const [i, host] of HOSTS.entries()) {
      const archive = archivesOf(lab, runId)[i]!;
      expect(Number(backup.tarBytes[i])).toBeGreaterThanOrEqual(Number(backup.dataBytes[i]));
      expect(Number(backup.dataBytes[i])).toBe(minioBytesBefore[host]);
      expect(statSync(archive).size).toBe(Number(backup.tarBytes[i]));
      expect(sha256File(archive)).toBe(backup.sha256[i]);
      expect(readFileSync(`${archive}.sha256`, 'utf8')).toBe(`${backup.sha256[i]}  ${host}-minio.tar\n`);
      expect(existsSync(`${archive}.partial`)).toBe(false);
      const restored = await extract(archive);
      try {
        expect(treeDigest(join(restored.dir, 'cpaas', 'minio'))).toEqual(minioBefore[host]);
      } finally {
        restored.remove();
      }
    }

    // Who confirmed the wipe, and with which phrase.
    const confirmations = events.filter((e) => e.type === 'confirmation' && e.step === 'wipe-bucket');
    expect(confirmations).toEqual([expect.objectContaining({ by: { user: userInfo().username, host: hostname() }, phrase: LAB_SITE_NAME, via: 'flag' })]);

    // The wipe happened once, in the pod, on the registry's real storage.
    expect(standInActions(paths).filter((a) => a.startsWith('mc '))).toEqual([expect.stringMatching(/^mc rm --recursive --force minio\/registry\/ \(\d+ objects\)$/)]);

    // Re-upload and re-push: every current image pulls again, the old ones are gone for good.
    expect(await pullable(lab, [...CURRENT_IMAGES, ...OLD_IMAGES])).toEqual({ ...all(CURRENT_IMAGES, true), ...all(OLD_IMAGES, false) });
    expect((await registry.catalog()).sort()).toEqual([...new Set(CURRENT_IMAGES.map((ref) => ref.split(':')[0]!))].sort());
    expect(fileBytes(paths.registryStorage)).toBeLessThan(bucketBytesBefore);
    const pushes = registry.pushes(mark);
    for (const ref of CORE_IMAGES.all) expect(pushes.get(ref), ref).toBe((CORE_IMAGES.necessary as readonly string[]).includes(ref) ? 2 : 1);
    for (const ref of [...PLUGIN_IMAGES, ...OPERATOR_IMAGES]) expect(pushes.get(ref), ref).toBe(1);

    // One checkpoint per package, each pushed once by violet with the platform token; the push was checked
    // against the records.
    const repush = finished(events, 'repush-plugins');
    expect(repush.map((e) => [e.unit.item?.value, e.outcome])).toEqual(PLUGIN_PACKAGES.map((p) => [packageFile(p), 'succeeded']));
    expect(standInActions(paths).filter((a) => a.startsWith('violet push'))).toEqual(PLUGIN_PACKAGES.map((p) => `violet push ${p.name} ${p.version} (token)`));
    expect(finished(events, 'verify-repush').map((e) => e.outcome)).toEqual(['succeeded']);

    // The pulls the runbook verifies ran on the installer node, with nerdctl: core, plugins, Operators.
    expect(finished(events, 'verify-core-pull').map((e) => e.outcome)).toEqual(['succeeded']);
    expect(finished(events, 'verify-operator-pull').map((e) => e.outcome)).toEqual(RECORDED_OPERATORS.map(() => 'succeeded'));
    const pulled = standInActions(paths).filter((a) => a.startsWith('nerdctl pull ')).map((a) => a.slice(`nerdctl pull ${registry.address}/`.length));
    expect(pulled).toEqual(['acp/core:latest', ...PLUGIN_PACKAGES.filter((p) => p.kind === 'plugin').map((p) => p.images[0]!), ...RECORDED_OPERATORS.map((o) => `${o.artifact}:${o.version}`)]);

    // The way back: restore that run's archives, checked against the sha256 the run journaled; the images
    // only the backup held pull again. A sha256 that is not the journaled one touches nothing.
    const journaled = HOSTS.map((host, i) => `${host}=${backup.sha256[i]}`);
    const wrongSum = [...journaled.slice(0, 2), `cp3=${'0'.repeat(64)}`].join(',');
    const refused = await fieldbook(['run', RESTORE, '--site', paths.site, '--ui', 'plain', '--run-id', 'e2e-restore-refused', '--param', `fromRun=${runId}`, '--param', `expectedSha256=${wrongSum}`], {
      home,
      runId: 'e2e-restore-refused',
      env: lab.secretEnv,
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('is not the archive the full-wipe run recorded');
    for (const host of HOSTS) expect(existsSync(paths.minio(host)), host).toBe(true);
    // That stopped restore holds the site until someone ends it: the operator abandons it, saying why.
    const abandoned = await fieldbook(['abandon', 'e2e-restore-refused', '--reason', 'wrong sha256 given; restoring again with the journaled ones'], { home, runId: 'e2e-restore-refused', env: lab.secretEnv });
    expect(abandoned.code, abandoned.stdout + abandoned.stderr).toBe(0);
    const restoreId = 'e2e-restore';
    const restoring = await fieldbook(
      ['run', RESTORE, '--site', paths.site, '--ui', 'plain', '--run-id', restoreId, '--param', `fromRun=${runId}`, '--param', `expectedSha256=${journaled.join(',')}`, '--param', `verifyImages=${OLD_IMAGES.join(',')}`,
        '--approve', 'stop-minio', '--record', 'stop-minio.ticket=SUP-1', '--approve', 'restore-minio', '--approve', 'start-minio'],
      { home, runId: restoreId, env: lab.secretEnv },
    );
    expect(restoring.code, restoring.stdout + restoring.stderr).toBe(0);
    expect(await pullable(lab, SEED_IMAGES)).toEqual(all(SEED_IMAGES, true));
    for (const host of HOSTS) {
      expect(treeDigest(paths.minio(host)), host).toEqual(minioBefore[host]);
      // The data from before the restore was moved aside, not deleted.
      expect(existsSync(join(paths.host(host), `minio.before-restore-${restoreId}`)), host).toBe(true);
    }
    expect(finished(journal(home, restoreId), 'verify-pulls').map((e) => e.outcome)).toEqual(OLD_IMAGES.map(() => 'succeeded'));
  });

  const faults: [string, Partial<LabSettings>, string][] = [
    ['missing', { addresses: ['127.0.0.36', '127.0.0.37', '127.0.0.38'], missingPackages: ['argocd@v4.1.3'] }, 'argocd v4.1.3 (plugin on global): no package in /cpaas/installer/plugins'],
    [
      'at the wrong version',
      { addresses: ['127.0.0.46', '127.0.0.47', '127.0.0.48'], wrongPackageVersions: { 'harbor-ce-operator@v2.12.2': 'v2.12.1' } },
      'harbor-ce-operator v2.12.2 (Operator on global): wrong version in plugins/: harbor-ce-operator-v2.12.1.tgz',
    ],
  ];
  it.each(faults)('stops before the wipe when a recorded package is %s, naming it; the registry is untouched', { timeout: 120_000 }, async (_, settings, message) => {
    const lab = await startLab(settings);
    const home = tempDirForTest('fieldbook-lab-home-');
    const storageBefore = treeDigest(lab.paths.registryStorage);
    const mark = lab.registry.logSize();
    const runId = 'e2e-package-fault';
    const result = await fieldbook(['run', RUNBOOK, '--site', lab.paths.site, '--ui', 'plain', '--run-id', runId, ...APPROVALS], { home, runId, env: lab.secretEnv });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout + result.stderr).toContain(message);
    const events = journal(home, runId);
    const started = new Set(events.flatMap((e) => (e.type === 'step-started' ? [e.step] : [])));
    for (const step of ['maintenance-window', 'backup-minio', 'wipe-bucket', 'repush-plugins']) expect(started.has(step), step).toBe(false);
    // Every other package passed; only the faulty one failed, and the run cannot skip it.
    expect(finished(events, 'check-packages').filter((e) => e.outcome === 'failed')).toHaveLength(1);
    expect(standInActions(lab.paths).filter((a) => a.startsWith('mc ') || a.startsWith('violet push'))).toEqual([]);
    expect(treeDigest(lab.paths.registryStorage)).toEqual(storageBefore);
    expect(lab.registry.writes(mark)).toBe(0);

    // Settling the failed check without running it (--decide) does not open the way: the wipe counts the
    // checks' evidence and refuses; the registry is still whole.
    const bypass = await fieldbook(['resume', runId, '--ui', 'plain', '--decide', 'check-packages=done', ...APPROVALS], { home, runId, env: lab.secretEnv });
    expect(bypass.code, bypass.stdout + bypass.stderr).toBe(1);
    expect(bypass.stdout).toContain('refused: 5 of 6 recorded packages were found by check-packages');
    expect(standInActions(lab.paths).filter((a) => a.startsWith('mc '))).toEqual([]);
    expect(treeDigest(lab.paths.registryStorage)).toEqual(storageBefore);

    // A wrong platform token is found before anything changes (a rehearsal finds it too).
    const wrongToken = await fieldbook(['run', RUNBOOK, '--site', lab.paths.site, '--ui', 'plain', '--run-id', 'e2e-wrong-token', '--rehearse'], {
      home,
      runId: 'e2e-wrong-token',
      env: { ...lab.secretEnv, FIELDBOOK_SECRET_PLATFORM_TOKEN: 'not-the-token' },
    });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stdout + wrongToken.stderr).toContain('violet cannot log in to');
  });

  it('--rehearse runs every check for real and changes neither MinIO, the registry nor the installer', { timeout: 120_000 }, async () => {
    const lab = await startLab({ addresses: ['127.0.0.26', '127.0.0.27', '127.0.0.28'] });
    const home = tempDirForTest('fieldbook-lab-home-');
    const { paths, registry } = lab;
    const snapshot = () => ({
      hosts: new Map(HOSTS.map((h) => [h, treeDigest(paths.host(h))])),
      // Reads leave a line too: the test pulls and violet's list (the credentials check).
      actions: standInActions(paths).filter((a) => !a.startsWith('nerdctl pull ') && !a.startsWith('violet list ')),
    });
    const before = snapshot();
    const mark = registry.logSize();

    const runId = 'e2e-rehearse';
    const result = await fieldbook(['run', RUNBOOK, '--site', paths.site, '--ui', 'plain', '--run-id', runId, '--rehearse'], { home, runId, env: lab.secretEnv });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const events = journal(home, runId);
    const ran = [...new Set(events.flatMap((e) => (e.type === 'unit-finished' && e.outcome === 'succeeded' ? [e.unit.step] : [])))];
    expect(ran).toEqual([
      'preflight-nodes',
      'preflight-installer',
      'check-credentials',
      'find-minio-pods',
      'check-minio-pods',
      'minio-pod',
      'record-installed',
      'check-packages',
      'list-packages',
      'verify-core-pull',
      'verify-plugin-pull',
      'verify-operator-pull',
    ]);
    expect(finished(events, 'check-packages').map((e) => e.outcome)).toEqual(REQUIRED_PACKAGES.map(() => 'succeeded'));

    // Only the test pulls left a trace: the images they pulled into cp1's local image store.
    const after = snapshot();
    const store = (tree: Map<string, string>) => new Map([...tree].filter(([path]) => !path.startsWith('lab-containerd')));
    for (const host of HOSTS) expect(store(after.hosts.get(host)!), host).toEqual(store(before.hosts.get(host)!));
    expect(after.actions).toEqual(before.actions);
    expect(registry.writes(mark)).toBe(0);
    expect(await pullable(lab, SEED_IMAGES)).toEqual(all(SEED_IMAGES, true));
  });

  it('is killed during the detached core upload and during the plugin re-push, resumes without repeating anything, and a second run never touches its backups', { timeout: 240_000 }, async () => {
    const lab = await startLab({ addresses: ['127.0.0.31', '127.0.0.32', '127.0.0.33'], uploadDelay: 0.7, violetDelay: 1.5 });
    const home = tempDirForTest('fieldbook-lab-home-');
    const { paths, registry } = lab;
    const mark = registry.logSize();
    const runId = 'e2e-kill-resume';
    const opts = { home, runId, env: lab.secretEnv };
    const uploadsAll = () => standInActions(paths).filter((a) => a.startsWith('upload.sh all '));

    // 1. SIGKILL while res/upload.sh all runs detached on cp1: one image pushed, three to go.
    const first = await fieldbook(['run', RUNBOOK, '--site', paths.site, '--ui', 'plain', '--run-id', runId, ...APPROVALS], {
      ...opts,
      killWhen: () => uploadsAll().length >= 1,
    });
    expect(first.killed).toBe(true);
    expect(uploadsAll().length).toBeLessThan(CORE_IMAGES.all.length);
    // The upload goes on without fieldbook: it was started detached on the host.
    expect(processesMatching('res/upload.sh all').length).toBeGreaterThan(0);

    // A fresh run on the same site from this machine (the same engineer not knowing to resume) is refused: run A
    // is open, crashed after its wipe, and the refusal says so. Nothing of it runs.
    const archivesA = archivesOf(lab, runId);
    const digestsA = archivesA.map(sha256File);
    const stopped = await fieldbook(['run', RUNBOOK, '--site', paths.site, '--ui', 'plain', '--run-id', 'e2e-refused-run', ...APPROVALS.slice(0, 4)], { home, runId: 'e2e-refused-run', env: lab.secretEnv });
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(4);
    expect(stopped.stderr).toMatch(/site fieldbook-lab has an open run; a new run there could undo what it did\n {2}e2e-kill-resume \(acp-registry-full-wipe, .*crashed; outcome unknown for upload-core-all@cp1; destructive steps already run: maintenance-window, wipe-bucket/);
    // From a colleague's laptop (another runs directory) this machine's open run is not seen: run B backs up the
    // wiped registry into its own directory and stops at the wipe's confirmation. Run A's archives, the only copy
    // of the registry from before the wipe, are untouched, byte for byte.
    const colleague = tempDirForTest('fieldbook-lab-colleague-');
    // Its backup checks MinIO's files against the archive: it runs once A's detached upload, still writing into
    // MinIO, is done (a backup taken while files change is refused, rightly, and that is not this test's subject).
    await waitFor(() => processesMatching('res/upload.sh all').length === 0, 60_000, "run A's detached upload to end");
    const second = 'e2e-second-run';
    const runB = await fieldbook(['run', RUNBOOK, '--site', paths.site, '--ui', 'plain', '--run-id', second, ...APPROVALS.slice(0, 4)], { home: colleague, runId: second, env: lab.secretEnv });
    expect(runB.code, runB.stdout + runB.stderr).toBe(3);
    // What it waits for names the pod it would wipe and this run's own archives, with their sha256.
    expect(runB.stdout).toMatch(/in pod kube-system\/registry-minio-0\. Backups of this run: \/cpaas\/backup\/e2e-second-run\/cp1-minio\.tar, .*\(sha256 [0-9a-f]{64}, /);
    expect(finished(journal(colleague, second), 'backup-minio').map((e) => e.outcome)).toEqual(HOSTS.map(() => 'succeeded'));
    expect(archivesA.map(sha256File)).toEqual(digestsA);
    expect(archivesOf(lab, second).map((archive) => existsSync(archive))).toEqual(HOSTS.map(() => true));
    expect(archivesOf(lab, second).map(sha256File)).not.toEqual(digestsA);

    // 2. Resume A: it reattaches to its detached upload (ended by now); SIGKILL again once the second plugin package is being pushed.
    const resumed = await fieldbook(['resume', runId, '--ui', 'plain'], {
      ...opts,
      killWhen: (events) => unitEvents(events, 'repush-plugins', 'unit-started').some((e) => e.unit.item?.index === 1),
    });
    expect(resumed.killed, resumed.stdout + resumed.stderr).toBe(true);
    // violet was waiting on the platform when its connection went: it dies without pushing.
    await waitFor(() => processesMatching('violet push').length === 0, 10_000, 'the cut-off violet to exit');
    const midway = registry.pushes(mark);
    expect(midway.get(PLUGIN_PACKAGES[0]!.images[0]!)).toBe(1);
    expect(midway.get(PLUGIN_PACKAGES[1]!.images[0]!)).toBeUndefined();

    // 3. Resume to the end.
    const third = await fieldbook(['resume', runId, '--ui', 'plain'], opts);
    console.log(`kill/resume runs: ${(first.ms / 1000).toFixed(1)} s + ${(resumed.ms / 1000).toFixed(1)} s + ${(third.ms / 1000).toFixed(1)} s`);
    expect(third.code, third.stdout + third.stderr).toBe(0);
    const events = journal(home, runId);

    // The wipe ran once; the upload was reattached, not restarted; the interrupted push was re-run by policy.
    expect(unitEvents(events, 'wipe-bucket', 'unit-started')).toHaveLength(1);
    expect(standInActions(paths).filter((a) => a.startsWith('mc '))).toHaveLength(1);
    const decisions = events.flatMap((e) => (e.type === 'decision' ? [[e.step, e.unit?.item?.index ?? null, e.decision, e.via]] : []));
    expect(decisions).toEqual([
      ['upload-core-all', null, 'reattach', 'policy'],
      ['repush-plugins', 1, 'rerun', 'policy'],
    ]);

    // No unit that succeeded was ever started again.
    const done = new Set<string>();
    for (const e of events) {
      if (e.type !== 'unit-started' && e.type !== 'unit-finished') continue;
      const key = JSON.stringify(e.unit);
      if (e.type === 'unit-started') expect(done.has(key), `${key} started again after it succeeded`).toBe(false);
      else if (e.outcome === 'succeeded') done.add(key);
    }

    // Each core image went up once per upload list, each plugin package once: nothing was pushed twice.
    expect(uploadsAll()).toEqual(CORE_IMAGES.all.map((ref) => `upload.sh all ${ref}`));
    expect(standInActions(paths).filter((a) => a.startsWith('violet push'))).toEqual(PLUGIN_PACKAGES.map((p) => `violet push ${p.name} ${p.version} (token)`));
    const pushes = registry.pushes(mark);
    for (const ref of CORE_IMAGES.all) expect(pushes.get(ref), ref).toBe((CORE_IMAGES.necessary as readonly string[]).includes(ref) ? 2 : 1);
    for (const ref of [...PLUGIN_IMAGES, ...OPERATOR_IMAGES]) expect(pushes.get(ref), ref).toBe(1);
    expect(await pullable(lab, CURRENT_IMAGES)).toEqual(all(CURRENT_IMAGES, true));

    // The registry and platform passwords stayed out of the run directory (journal, logs, copies).
    const runDir = join(home, 'runs', runId);
    const files = readdirSync(runDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const file of files) {
      const text = readFileSync(join(file.parentPath, file.name), 'utf8');
      for (const secret of Object.values(lab.secretEnv)) expect(text.includes(secret), `${file.name} holds a secret`).toBe(false);
    }
  });
});
