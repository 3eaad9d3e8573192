import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { LEGACY_REGISTRY, REGISTRY_V2, startRegistryV2Cluster } from '../kube/registry-v2.js';
import { runKubectl } from '../kube/run-kubectl.js';
import { installAc, startAcLab, type AcInstall, type AcLab } from './ac-lab.js';
import { blobFiles } from './blob-files.js';
import { listTags, pulls, treeDigest, type TestImage } from './registry-fixture.js';

// The ac stand-in against a real docker-registry: what its dry run lists, that --confirm deletes exactly that,
// that `registry gc` previews and then frees, and that an older ac refuses --confirm; and that `ac get` reads the
// same cluster as kubectl (a test API server serving Registry v2 on the lab registry's storage). The tests run in
// order on one registry (the confirmed prune and the GC change it).

const now = Date.now();
const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
const SIZE = 60_000;
const IMAGES: TestImage[] = [
  // The newest 2 by created date (young1, young2) stay by --keep-tag-revisions=2, young3 by --keep-younger-than=1h.
  { repository: 'team-a/web', tags: ['old1'], created: '2023-01-10T08:00:00Z', size: SIZE },
  { repository: 'team-a/web', tags: ['old2', 'old2-alias'], created: '2023-02-10T08:00:00.5+02:00', size: SIZE },
  { repository: 'team-a/web', tags: ['v3'], created: '2023-03-10T08:00:00.123456789Z', size: SIZE },
  { repository: 'team-a/web', tags: ['v4'], created: '2023-04-10T08:00:00Z', size: SIZE },
  { repository: 'team-a/web', tags: ['young3'], created: ago(50), size: SIZE },
  { repository: 'team-a/web', tags: ['young2'], created: ago(20), size: SIZE },
  { repository: 'team-a/web', tags: ['young1', 'latest'], created: ago(10), size: SIZE },
  // 1.0 runs in a workload.
  ...['1.0', '1.1', '1.2', '1.3'].map((tag, i) => ({ repository: 'team-a/api', tags: [tag], created: `2023-0${i + 1}-01T00:00:00Z`, size: SIZE })),
  // Whitelisted.
  ...['v1', 'v2', 'v3', 'v4'].map((tag, i) => ({ repository: 'cpaas-system/core', tags: [tag], created: `2022-0${i + 1}-01T00:00:00Z`, size: SIZE })),
  // Multi-platform: an index is as new as its newest platform image, so m1 (arm64 built in September) is the newest.
  ...['m1', 'm2', 'm3', 'm4'].map((tag, i) => ({
    repository: 'team-b/tool',
    tags: [tag],
    created: `2023-0${i + 1}-15T00:00:00Z`,
    size: SIZE,
    platforms: [
      { architecture: 'amd64', seed: `tool-${tag}-amd64` },
      { architecture: 'arm64', seed: `tool-${tag}-arm64`, ...(tag === 'm1' ? { created: '2023-09-15T00:00:00Z' } : {}) },
    ],
  })),
];
const FILTERS = ['--keep-tag-revisions=2', '--keep-younger-than=1h', '--whitelist=^cpaas-system/', '--whitelist', '^nothing-here/'];
const CANDIDATES = ['team-a/api:1.1', 'team-a/web:old1', 'team-a/web:old2', 'team-a/web:old2-alias', 'team-a/web:v3', 'team-a/web:v4', 'team-b/tool:m2', 'team-b/tool:m3'];

let lab: AcLab;
let old: AcInstall;

beforeAll(async () => {
  lab = await startAcLab(IMAGES, { inUse: ['registry.example.com/team-a/api:1.0'], cluster: true });
  old = await lab.installAnother('old-ac', { flavor: 'old' });
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

const prune = (args: string[], ac: AcInstall = lab.ac) => ac.run(['adm', 'prune', 'images', ...args]);

describe('the ac stand-in', () => {
  test('ac version names the client; the old flavor is an older one', async () => {
    expect((await lab.ac.run(['version', '--client'])).stdout).toBe('Client Version: v4.3.0\n');
    const older = await old.run(['version']);
    expect(older.code).toBe(0);
    expect(older.stdout).toMatch(/^Client Version: v4\.0\.4\n/);
  });

  test('ac get is kubectl on the cluster ac is logged in to: the same registry Deployment uid as kubectl sees', async () => {
    const cluster = lab.cluster!;
    const args = ['get', 'deployment', 'image-registry', '-n', REGISTRY_V2.namespace, '-o', 'jsonpath={.metadata.uid}'];
    const byKubectl = await runKubectl(cluster.api, args);
    // The caller's KUBECONFIG is not ac's login.
    const byAc = await lab.ac.run(args, { KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(byKubectl).toMatchObject({ code: 0, stdout: REGISTRY_V2.uid });
    expect(byAc).toEqual({ code: 0, stdout: REGISTRY_V2.uid, stderr: '' });
    // Global flags before the verb, kubectl's errors and exit codes as they are.
    const pods = await lab.ac.run(['-n', REGISTRY_V2.namespace, 'get', 'pods', '-l', REGISTRY_V2.selector, '-o', 'name']);
    expect(pods).toEqual({ code: 0, stdout: `pod/${REGISTRY_V2.pod}\n`, stderr: '' });
    const missing = await lab.ac.run(['get', 'deployment', 'nope', '-n', REGISTRY_V2.namespace]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): deployments.apps "nope" not found');
    const pruner = await lab.ac.run(['get', 'imagepruners.imageregistry.operator.alauda.io', 'cluster', '-o', 'jsonpath={.spec.schedule}']);
    expect(pruner).toMatchObject({ code: 0, stdout: '0 0 * * *' });
    // The older ac is logged in to the same cluster; ac version is unchanged; the help lists the kubectl verbs.
    expect((await old.run(args)).stdout).toBe(REGISTRY_V2.uid);
    expect((await lab.ac.run(['version'])).stdout).toBe('Client Version: v4.3.0\nServer Version: v1.31.4\n');
    expect((await lab.ac.run(['--help'])).stdout).toMatch(/^ {2}get {11}Display one or many resources$/m);
  });

  test('ac get on the legacy registry\'s cluster, and an ac logged in nowhere', async () => {
    const legacy = await startRegistryV2Cluster({ registry: lab.registry, legacy: true });
    onTestFinished(() => legacy.stop());
    const ac = await installAc(join(lab.dir, 'legacy-ac'), lab.registry, { kubeconfig: legacy.kubeconfigPath });
    const uid = await ac.run(['get', 'deployment', 'image-registry', '-n', LEGACY_REGISTRY.namespace, '-o', 'jsonpath={.metadata.uid}']);
    expect(uid).toEqual({ code: 0, stdout: LEGACY_REGISTRY.uid, stderr: '' });
    const nowhere = await installAc(join(lab.dir, 'no-cluster-ac'), lab.registry);
    const refused = await nowhere.run(['get', 'pods']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^error: the lab's ac is not logged in to a cluster/);
  });

  test('the dry run lists exactly the tags the filters select, by tag, and deletes nothing', async () => {
    const storage = await treeDigest(lab.registry.storage);
    const result = await prune(FILTERS);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '[1/5] Scanning cluster for used images...',
        '      Found 1 unique image references in use.',
        '[2/5] Fetching metadata from registry...',
        '      Scanned 4 repositories, found 21 image instances.',
        '[3/5] Pruning 7 image manifests...',
        ...CANDIDATES.map((c) => `      DRY RUN: Would delete ${c}`),
        '[4/5] Summary',
        `      Candidates for pruning: ${CANDIDATES.length}`,
        '[5/5] Skipping registry garbage collection because --prune-registry is not set.',
        '',
      ].join('\n'),
    );
    expect(result.stdout).not.toContain('sha256:');
    expect(await treeDigest(lab.registry.storage)).toBe(storage);
    expect(await readFile(lab.ac.log, 'utf8')).toMatch(/ac adm prune images --keep-tag-revisions=2 .* \(8 candidates, dry run\)\n$/);
  });

  test('--all ignores the retention filters, never the whitelist or the images in use', async () => {
    const result = await prune(['--all', '--whitelist=^cpaas-system/']);
    expect(result.code).toBe(0);
    const listed = [...result.stdout.matchAll(/^ {6}DRY RUN: Would delete (\S+)$/gm)].map((m) => m[1]);
    const everything = IMAGES.flatMap((i) => i.tags.map((t) => `${i.repository}:${t}`));
    expect(listed.sort()).toEqual(everything.filter((r) => !r.startsWith('cpaas-system/') && r !== 'team-a/api:1.0').sort());
    expect(result.stdout).toContain(`Candidates for pruning: ${listed.length}\n`);
  });

  test('bad flags fail as cobra and Go say, before anything is read', async () => {
    const cases: [string[], string][] = [
      [['adm', 'prune', 'images', '--keep-younger-than=7d'], 'Error: invalid argument "7d" for "--keep-younger-than" flag: time: unknown unit "d" in duration "7d"'],
      [['adm', 'prune', 'images', '--keep-tag-revisions', 'five'], 'Error: invalid argument "five" for "--keep-tag-revisions" flag: strconv.ParseInt: parsing "five": invalid syntax'],
      [['adm', 'prune', 'images', '--registry-url'], 'Error: flag needs an argument: --registry-url'],
      [['adm', 'registry', 'gc', '--dry-run'], 'Error: unknown flag: --dry-run'],
      [['adm', 'prunes'], 'Error: unknown command "prunes" for "ac adm"'],
    ];
    for (const [args, first] of cases) {
      const result = await lab.ac.run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')[0]).toBe(first);
    }
    const both = await prune(['--dry-run', '--confirm']);
    expect(both.code).toBe(1);
    expect(both.stderr).toBe('error: --dry-run and --confirm cannot be used together\n');
    expect(await listTags(lab.registry, 'team-a/web')).toHaveLength(9);
  });

  test('an older ac has no --confirm: it refuses it like any unknown flag and deletes nothing', async () => {
    const storage = await treeDigest(lab.registry.storage);
    for (const args of [['adm', 'prune', 'images', ...FILTERS, '--confirm'], ['adm', 'registry', 'gc', '--confirm']]) {
      const result = await old.run(args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^Error: unknown flag: --confirm\nUsage:\n {2}ac adm (prune images|registry gc) \[flags\]\n/);
    }
    expect((await old.run(['adm', 'prune', 'images', '--help'])).stdout).not.toContain('--confirm');
    expect((await old.run(['adm', 'registry', 'gc', '--help'])).stdout).not.toContain('--confirm');
    expect((await lab.ac.run(['adm', 'prune', 'images', '--help'])).stdout).toMatch(/^ {6}--confirm {2,}\S/m);
    expect((await lab.ac.run(['adm', 'registry', 'gc', '-h'])).stdout).toMatch(/^ {6}--confirm {2,}\S/m);
    // Without the flag the old one still previews.
    const preview = await old.run(['adm', 'prune', 'images', ...FILTERS]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(`Candidates for pruning: ${CANDIDATES.length}\n`);
    expect(await treeDigest(lab.registry.storage)).toBe(storage);
  });

  test('--confirm deletes exactly the tags of the dry run; every other tag still pulls', async () => {
    const result = await prune([...FILTERS, '--confirm']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect([...result.stdout.matchAll(/^ {6}Deleted (\S+)$/gm)].map((m) => m[1])).toEqual(CANDIDATES);
    expect(result.stdout).toContain(`      Candidates for pruning: ${CANDIDATES.length}\n      Deleted: ${CANDIDATES.length}\n`);
    expect(result.stdout).not.toContain('DRY RUN');

    const kept = IMAGES.flatMap((i) => i.tags.map((t) => `${i.repository}:${t}`)).filter((r) => !CANDIDATES.includes(r));
    for (const repository of ['team-a/web', 'team-a/api', 'cpaas-system/core', 'team-b/tool']) {
      expect(await listTags(lab.registry, repository), repository).toEqual(kept.filter((r) => r.startsWith(`${repository}:`)).map((r) => r.split(':')[1]).sort());
    }
    for (const ref of kept) expect(await pulls(lab.registry, ref, lab.dir), `${ref} pulls`).toBe(true);
    for (const ref of CANDIDATES) expect(await pulls(lab.registry, ref, lab.dir), `${ref} is gone`).toBe(false);
    expect(await readFile(lab.ac.log, 'utf8')).toMatch(/--confirm \(8 candidates, 8 deleted\)\n$/);

    // Nothing is left to prune with the same filters.
    expect((await prune(FILTERS)).stdout).toContain('Candidates for pruning: 0\n');
  }, 120_000);

  test('registry gc previews what it would free, and --confirm frees exactly that', async () => {
    const storage = await treeDigest(lab.registry.storage);
    const blobsBefore = await blobFiles(lab.registry.storage);
    const preview = await lab.ac.run(['adm', 'registry', 'gc']);
    expect(preview.stderr).toBe('');
    expect(preview.code).toBe(0);
    const would = /^Would delete (\d+) blobs\nWould free up (\S+ \S+) of disk space\nUse --confirm to actually delete the data\n$/m.exec(preview.stdout);
    expect(would, preview.stdout).not.toBeNull();
    const previewed = [...preview.stdout.matchAll(/msg="Would delete blob: sha256:([0-9a-f]{64})"/g)].map((m) => m[1]).sort();
    expect(previewed).toHaveLength(Number(would![1]));
    expect(previewed.length).toBeGreaterThan(CANDIDATES.length);
    expect(await treeDigest(lab.registry.storage)).toBe(storage);

    const confirmed = await lab.ac.run(['adm', 'registry', 'gc', '--confirm']);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toMatch(new RegExp(`^Deleted ${would![1]} blobs\nFreed up ${would![2]} of disk space\n$`, 'm'));
    const blobsAfter = await blobFiles(lab.registry.storage);
    expect(blobsBefore.filter((b) => !blobsAfter.includes(b))).toEqual(previewed);
    for (const ref of ['team-a/web:young1', 'team-a/api:1.0', 'cpaas-system/core:v1', 'team-b/tool:m1']) expect(await pulls(lab.registry, ref, lab.dir), `${ref} pulls`).toBe(true);

    // Pruning with --prune-registry runs the same collection after the prune (here: nothing left to free).
    const again = await prune([...FILTERS, '--confirm', '--prune-registry']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('[5/5] Running registry garbage collection...\n      Deleted 0 blobs\n      Freed up 0 B of disk space\n');
  }, 120_000);
});
