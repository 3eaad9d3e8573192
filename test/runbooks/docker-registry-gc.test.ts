import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, runCli, writeFixture } from '../harness/cli.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { makeTempDir } from '../harness/tmp.js';
import { listTags, pulls, pushImages, requireRegistryTools, startRegistryFixture, treeBytes, treeDigest, type Pushed, type RegistryFixture, type TestImage } from './registry-fixture.js';

// runbooks/docker-registry-gc.yaml end to end through the CLI: over SSH (real sshd) to a host running a real
// docker-registry, reconfigured, restarted and garbage-collected by the runbook; images pushed and pulled with
// skopeo. The rehearsal runs first, on the untouched registry; the live run after it.

/** keepTags 3 by created date: 2.0, hotfix-2, 1.11 (rc-final names the same image), plus the protected latest. */
const IMAGES: TestImage[] = [
  { repository: 'app/web', tags: ['old-stable'], created: '2023-06-01T10:00:00Z', size: 200_000 },
  { repository: 'app/web', tags: ['z-nightly'], created: '2023-12-01T10:00:00.5+02:00', size: 210_000 },
  { repository: 'app/web', tags: ['1.9'], created: '2024-01-01T10:00:00Z', size: 220_000 },
  { repository: 'app/web', tags: ['1.10'], created: '2024-02-01T10:00:00.123456789Z', size: 230_000 },
  { repository: 'app/web', tags: ['1.11', 'rc-final'], created: '2024-03-01T10:00:00Z', size: 240_000 },
  { repository: 'app/web', tags: ['hotfix-2'], created: '2024-04-01T10:00:00Z', size: 250_000 },
  { repository: 'app/web', tags: ['2.0', 'latest'], created: '2024-05-01T10:00:00Z', size: 260_000 },
  { repository: 'lib/base', tags: ['v1'], created: '2022-01-01T00:00:00Z', size: 100_000 },
  { repository: 'lib/base', tags: ['v2'], created: '2022-02-01T00:00:00Z', size: 100_000 },
  // Multi-platform: m1 is the oldest; its arm64 image is also m2's, so only its amd64 image may go.
  ...['m1', 'm2', 'm3', 'm4'].map((tag, i) => ({
    repository: 'app/multi',
    tags: [tag],
    created: `2024-0${i + 1}-15T08:00:00Z`,
    size: 150_000,
    platforms: [
      { architecture: 'amd64', seed: `multi-${tag}-amd64` },
      tag === 'm1' || tag === 'm2'
        ? { architecture: 'arm64', seed: 'multi-shared-arm64', created: '2024-01-10T00:00:00Z' }
        : { architecture: 'arm64', seed: `multi-${tag}-arm64` },
    ],
  })),
];
const KEPT = ['1.11', '2.0', 'hotfix-2', 'latest', 'rc-final'];
const DELETED = ['1.10', '1.9', 'old-stable', 'z-nightly'];

let sshd: SshdLab;
let registry: RegistryFixture;
let dir: string;
let removeDir: () => void;
let pushed: Pushed;

beforeAll(async () => {
  requireRegistryTools();
  sshd = await startSshd({ address: '127.0.0.41' });
  registry = await startRegistryFixture(sshd.user, '127.0.0.41');
  ({ path: dir, remove: removeDir } = makeTempDir('fieldbook-gc-run-'));
  pushed = await pushImages(registry, IMAGES, join(dir, 'layout'));
  writeFixture(dir, 'known_hosts', `${sshd.knownHostsLine}\n`);
  writeFixture(
    dir,
    'site.yaml',
    `apiVersion: fieldbook/v1
kind: Site
metadata: { name: gc-lab }
ssh: { user: ${sshd.user}, knownHosts: ${join(dir, 'known_hosts')} }
hosts:
  reg1: { address: ${sshd.host}, port: ${sshd.port}, identityFile: ${sshd.identityFile} }
roles:
  registryHost: [reg1]
params:
  registry: ${registry.address}
  registryScheme: http
  registryUser: ${registry.user}
  keepTags: 3
  configFile: ${registry.config}
  storageDir: ${registry.storage}
  stopCommand: ${registry.stopCommand}
  startCommand: ${registry.startCommand}
  gcCommand: /usr/bin/docker-registry
`,
  );
}, 120_000);

afterAll(async () => {
  try {
    await registry?.remove();
  } finally {
    removeDir?.();
    await sshd?.stop();
  }
});

const cli = (args: string[]) =>
  runCli(['run', join(REPO, 'runbooks', 'docker-registry-gc.yaml'), '--site', 'site.yaml', '--ui', 'plain', ...args], {
    cwd: dir,
    env: { FIELDBOOK_SECRET_REGISTRY_PASSWORD: registry.password },
  });

describe('docker-registry-gc against a real registry', () => {
  test('--rehearse runs only the readonly steps and changes nothing', async () => {
    const storage = await treeDigest(registry.storage);
    const config = readFileSync(registry.config, 'utf8');
    const result = await cli(['--rehearse', '--run-id', 'rehearsal']);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    // The inventory ran for real and shows the plan; the GC dry run ran; nothing destructive did.
    expect(result.stdout).toMatch(/DELETE 1\.9 /);
    expect(result.stdout).toMatch(/blobs marked, 0 blobs and 0 manifests eligible for deletion/);
    expect(result.stdout).toMatch(/app\/web:z-nightly is still there \(rehearse run/);
    expect(result.stdout).not.toContain(registry.password);
    expect(await treeDigest(registry.storage)).toBe(storage);
    expect(readFileSync(registry.config, 'utf8')).toBe(config);
    expect(await listTags(registry, 'app/web')).toEqual([...KEPT, ...DELETED].sort());

    // By tag name instead (version-aware, numbers above words): 2.0, 1.11, 1.10 stay; hotfix-2 would go.
    const byName = await cli(['--rehearse', '--run-id', 'rehearsal-by-name', '--param', 'newestBy=tag']);
    expect(byName.code, byName.stdout).toBe(0);
    expect(byName.stdout).toMatch(/keep {3}1\.10 /);
    expect(byName.stdout).toMatch(/DELETE hotfix-2 /);
    expect(byName.stdout).toMatch(/DELETE 1\.9 /);
    expect(await treeDigest(registry.storage)).toBe(storage);
  }, 120_000);

  test('keeps the newest 3 tags by created date, deletes the rest, collects garbage and restores the config', async () => {
    const originalConfig = readFileSync(registry.config, 'utf8');
    const before = await treeBytes(registry.storage);
    const blobsBefore = await blobFiles(registry.storage);

    // Without the list's digest the deletion waits, printing every manifest it will delete: the old images of
    // app/web, and m1 of app/multi with the platform manifest only it uses.
    const approvals = ['--approve', 'review-plan', '--record', 'review-plan.ticket=CHG-4711', '--approve', 'garbage-collect'];
    const waiting = await cli(['--run-id', 'live', ...approvals, '--approve', 'delete-manifests']);
    expect(waiting.code, waiting.stdout).toBe(3);
    const reviewed = waiting.stdout.split('\n').filter((l) => /^ {6}\S+ sha256:[0-9a-f]{64}$/.test(l)).map((l) => l.trim());
    const m1 = pushed.digests.get('app/multi:m1')!;
    const [m1amd64, sharedArm64] = pushed.children.get(m1)!;
    const expected = [...new Set(DELETED.map((tag) => `app/web ${pushed.digests.get(`app/web:${tag}`)!}`)), `app/multi ${m1}`, `app/multi ${m1amd64!}`];
    expect([...reviewed].sort()).toEqual([...expected].sort());
    const digest = /--approve delete-manifests=([0-9a-f]{32})/.exec(waiting.stdout)?.[1];
    expect(digest).toBeDefined();
    expect(await listTags(registry, 'app/web')).toEqual(expect.arrayContaining(DELETED));

    const result = await runCli(['resume', 'live', '--ui', 'plain', ...approvals, '--approve', `delete-manifests=${digest}`], { cwd: dir, env: { FIELDBOOK_SECRET_REGISTRY_PASSWORD: registry.password } });
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).not.toContain(registry.password);

    // Tags beyond the newest 3 (by created, not by name) are gone; the kept ones and lib/base are intact.
    expect(await listTags(registry, 'app/web')).toEqual(KEPT);
    expect(await listTags(registry, 'lib/base')).toEqual(['v1', 'v2']);
    for (const tag of KEPT) expect(await pulls(registry, `app/web:${tag}`, dir), `app/web:${tag} pulls`).toBe(true);
    for (const tag of ['v1', 'v2']) expect(await pulls(registry, `lib/base:${tag}`, dir)).toBe(true);
    for (const tag of DELETED) expect(await pulls(registry, `app/web:${tag}`, dir), `app/web:${tag} is gone`).toBe(false);

    // Garbage collection removed the deleted images' own blobs and nothing else; the storage shrank.
    const blobsAfter = await blobFiles(registry.storage);
    expect(blobsAfter.length).toBeLessThan(blobsBefore.length);
    const hex = (digest: string) => digest.slice('sha256:'.length);
    for (const tag of DELETED) expect(blobsAfter).not.toContain(hex(pushed.digests.get(`app/web:${tag}`)!));
    for (const tag of KEPT) expect(blobsAfter).toContain(hex(pushed.digests.get(`app/web:${tag}`)!));
    // An index goes with the platform manifest only it used; the one it shares with a kept index stays.
    expect(await listTags(registry, 'app/multi')).toEqual(['m2', 'm3', 'm4']);
    for (const tag of ['m2', 'm3', 'm4']) expect(await pulls(registry, `app/multi:${tag}`, dir), `app/multi:${tag} pulls`).toBe(true);
    expect(pushed.children.get(pushed.digests.get('app/multi:m2')!)).toContain(sharedArm64);
    expect(blobsAfter).not.toContain(hex(m1));
    expect(blobsAfter).not.toContain(hex(m1amd64!));
    expect(blobsAfter).toContain(hex(sharedArm64!));
    const after = await treeBytes(registry.storage);
    expect(after).toBeLessThan(before - 4 * 200_000);

    // Deleting was enabled for the run (the config said false) and the original config is back.
    expect(waiting.stdout).toMatch(/storage\.delete\.enabled set to true/);
    expect(readFileSync(registry.config, 'utf8')).toBe(originalConfig);
    expect(existsSync(`${registry.config}.fieldbook-live`)).toBe(true);
    expect(result.stdout).toMatch(/deleting enabled: before the run false, now false/);

    // The journal records who confirmed the deletion and the garbage collection.
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'live', 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; step?: string });
    const confirmed = journal.filter((e) => e.type === 'confirmation').map((e) => e.step);
    expect(confirmed).toEqual(expect.arrayContaining(['review-plan', 'delete-manifests', 'garbage-collect']));
    const shown = await runCli(['show', 'live', '--json'], { cwd: dir });
    expect(shown.stdout).toContain('CHG-4711');
  }, 180_000);
});

/** Names (hex digests) of the blobs in a registry's storage. */
async function blobFiles(storage: string): Promise<string[]> {
  const root = join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256');
  const names: string[] = [];
  for (const prefix of await readdir(root)) names.push(...(await readdir(join(root, prefix))));
  return names.sort();
}
