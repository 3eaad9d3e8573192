import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blobBytes, blobFiles } from './blob-files.js';
import { startHarborApi, startHarborLab, type HarborApi, type HarborLab } from './harbor-lab.js';
import { deleteManifest, pulls, pushImages, treeDigest, type TestImage } from './registry-fixture.js';

// The Harbor API stand-in in front of a real docker-registry: systeminfo's version, basic auth, and GC jobs that
// really collect the registry's storage (a dry run changes nothing, a real run frees what the dry run estimated).
// The tests run in order on one registry.

const SIZE = 700_000;
const IMAGES: TestImage[] = [
  ...['v1', 'v2', 'v3'].map((tag, i) => ({ repository: 'library/app', tags: [tag], created: `2024-0${i + 1}-01T00:00:00Z`, size: SIZE })),
  { repository: 'library/tool', tags: ['t1'], created: '2024-01-01T00:00:00Z', size: SIZE },
  { repository: 'team/svc', tags: ['s1'], created: '2024-01-01T00:00:00Z', size: SIZE },
  { repository: 'team/svc', tags: ['s2'], created: '2024-02-01T00:00:00Z', size: SIZE },
];
/** Artifacts "deleted in the UI" before GC runs. */
const DELETED = ['library/app:v1', 'library/tool:t1'];
const KEPT = ['library/app:v2', 'library/app:v3', 'team/svc:s1', 'team/svc:s2'];

interface GcHistory {
  id: number;
  job_name: string;
  job_kind: string;
  job_parameters: string;
  job_status: string;
  creation_time: string;
  update_time: string;
}

let lab: HarborLab;

beforeAll(async () => {
  lab = await startHarborLab(IMAGES);
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

/** Starts a manual GC and returns its id (from the Location header). */
async function startGc(api: HarborApi, parameters: Record<string, unknown>): Promise<number> {
  const response = await api.call('/api/v2.0/system/gc/schedule', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ schedule: { type: 'Manual' }, parameters }) });
  expect(response.status).toBe(201);
  const location = response.headers.get('location') ?? '';
  expect(location).toMatch(/^\/api\/v2\.0\/system\/gc\/\d+$/);
  return Number(location.split('/').pop());
}

async function gc(api: HarborApi, id: number): Promise<GcHistory> {
  return (await (await api.call(`/api/v2.0/system/gc/${id}`)).json()) as GcHistory;
}

/** Waits for the job to end and returns it with its log. */
async function finished(api: HarborApi, id: number): Promise<{ job: GcHistory; log: string; parameters: Record<string, unknown> }> {
  await expect.poll(async () => (await gc(api, id)).job_status, { timeout: 30_000, interval: 100 }).toMatch(/^(Success|Error|Stopped)$/);
  const job = await gc(api, id);
  const log = await (await api.call(`/api/v2.0/system/gc/${id}/log`)).text();
  return { job, log, parameters: JSON.parse(job.job_parameters) as Record<string, unknown> };
}

async function storageConsumption(api: HarborApi): Promise<number> {
  return ((await (await api.call('/api/v2.0/statistics')).json()) as { total_storage_consumption: number }).total_storage_consumption;
}

const hex = (ref: string) => lab.pushed.digests.get(ref)!.slice('sha256:'.length);

describe('the Harbor API stand-in', () => {
  test('systeminfo reports the configured version; from 2.13 only to signed-in users; a 1.x has no /api/v2.0', async () => {
    const info = async (api: HarborApi, path: string, auth: boolean) => (await (await api.call(path, { auth })).json()) as { harbor_version?: string };
    expect((await info(lab.api, '/api/v2.0/systeminfo', true)).harbor_version).toBe('v2.11.1-6b7ecba1');
    expect((await info(lab.api, '/api/v2.0/systeminfo', false)).harbor_version).toBe('v2.11.1-6b7ecba1');
    const newer = await startHarborApi(lab.registry, { harborVersion: 'v2.13.2-a1b2c3d4' });
    const v1 = await startHarborApi(lab.registry, { harborVersion: 'v1.10.17-f9a8b7c6' });
    try {
      expect((await info(newer, '/api/v2.0/systeminfo', true)).harbor_version).toBe('v2.13.2-a1b2c3d4');
      expect(await info(newer, '/api/v2.0/systeminfo', false)).not.toHaveProperty('harbor_version');
      expect((await v1.call('/api/v2.0/systeminfo')).status).toBe(404);
      expect((await v1.call('/api/v2.0/system/gc/schedule', { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await info(v1, '/api/systeminfo', false)).harbor_version).toBe('v1.10.17-f9a8b7c6');
    } finally {
      await newer.stop();
      await v1.stop();
    }
  });

  test('GC needs the admin; a bad request is refused before anything runs', async () => {
    for (const auth of [false, true]) {
      const response = auth
        ? await fetch(`${lab.api.url}/api/v2.0/system/gc`, { headers: { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` } })
        : await lab.api.call('/api/v2.0/system/gc', { auth: false });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] });
    }
    const tooMany = await lab.api.call('/api/v2.0/system/gc/schedule', { method: 'POST', body: JSON.stringify({ schedule: { type: 'Manual' }, parameters: { workers: 9 } }) });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { errors: { message: string }[] }).errors[0]!.message).toContain('Workers must be greater than 0 and less than or equal to 5');
    expect((await lab.api.call('/api/v2.0/system/gc/42')).status).toBe(404);
    const history = await lab.api.call('/api/v2.0/system/gc');
    expect(await history.json()).toEqual([]);
    expect(history.headers.get('x-total-count')).toBe('0');
  });

  let estimate = 0;

  test('a dry run lists what it would delete and free, and changes nothing', async () => {
    for (const ref of DELETED) await deleteManifest(lab.registry, ref.split(':')[0]!, lab.pushed.digests.get(ref)!);
    const storage = await treeDigest(lab.registry.storage);
    const consumption = await storageConsumption(lab.api);
    expect(consumption).toBe(await blobBytes(lab.registry.storage));

    const { job, log, parameters } = await finished(lab.api, await startGc(lab.api, { delete_untagged: false, dry_run: true, workers: 1 }));
    expect(job).toMatchObject({ id: 1, job_name: 'GARBAGE_COLLECTION', job_kind: 'MANUAL', job_status: 'Success' });
    expect(Date.parse(job.update_time)).toBeGreaterThanOrEqual(Date.parse(job.creation_time));
    const line = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[INFO\] \[\/jobservice\/job\/impl\/gc\/garbage_collection\.go:\d+\]: /;
    expect(log.trim().split('\n').every((l) => line.test(l)), log).toBe(true);
    expect(log).toContain('Garbage Collection parameters: [delete_untagged: false, dry_run: true, time_window: 2, workers: 1]');
    for (const ref of DELETED) expect(log).toContain(`blob eligible for deletion: sha256:${hex(ref)}`);
    // Each deleted image: its manifest, config and own layer (the base layer is shared with kept images).
    expect(log).toMatch(/: 4 blobs and 2 manifests eligible for deletion\n/);
    expect(log).toMatch(/: The GC could free up 1 MB space, the size is a rough estimation\.\n/);
    expect(log).not.toContain('delete blob from storage');
    expect(log).toMatch(/: success to run gc in job\.\n$/);
    expect(parameters).toMatchObject({ dry_run: true, delete_untagged: false, purged_blobs: 4, purged_manifests: 2 });
    estimate = parameters['freed_space'] as number;
    expect(estimate).toBeGreaterThan(2 * SIZE);

    expect(await treeDigest(lab.registry.storage)).toBe(storage);
    expect(await storageConsumption(lab.api)).toBe(consumption);
  }, 60_000);

  test('the real run deletes exactly those blobs and the storage shrinks by what it reports', async () => {
    const consumption = await storageConsumption(lab.api);
    const blobsBefore = await blobFiles(lab.registry.storage);
    const { job, log, parameters } = await finished(lab.api, await startGc(lab.api, { delete_untagged: false, dry_run: false, workers: 1 }));
    expect(job.job_status).toBe('Success');
    expect(parameters).toMatchObject({ dry_run: false, freed_space: estimate, purged_blobs: 4, purged_manifests: 2 });
    expect(log).toMatch(/: 4 blobs and 2 manifests are actually deleted\n/);
    expect(log).toMatch(/: The GC job actual frees up 1 MB space\.\n/);
    const deleted = [...log.matchAll(/\[[0-9a-f-]{36}\]\[\d+\/6\] delete blob from storage: sha256:([0-9a-f]{64})$/gm)].map((m) => m[1]!).sort();
    expect(deleted).toHaveLength(6);
    expect(blobsBefore.filter((b) => !(deleted.includes(b)))).toEqual(await blobFiles(lab.registry.storage));
    for (const ref of DELETED) expect(deleted).toContain(hex(ref));
    expect(await storageConsumption(lab.api)).toBe(consumption - estimate);
    for (const ref of KEPT) expect(await pulls(lab.registry, ref, lab.dir), `${ref} pulls`).toBe(true);

    // The history, newest first.
    const history = await lab.api.call('/api/v2.0/system/gc');
    expect(history.headers.get('x-total-count')).toBe('2');
    expect(((await history.json()) as GcHistory[]).map((h) => [h.id, h.job_status])).toEqual([[2, 'Success'], [1, 'Success']]);
  }, 60_000);

  test('delete_untagged: the dry run names the untagged artifact, the real run deletes it', async () => {
    // Pushing s1 again with another image leaves the first s1 untagged.
    const untagged = lab.pushed.digests.get('team/svc:s1')!;
    const again = await pushImages(lab.registry, [{ repository: 'team/svc', tags: ['s1'], created: '2024-03-01T00:00:00Z', size: SIZE }], join(lab.dir, 'layout-2'));
    expect(again.digests.get('team/svc:s1')).not.toBe(untagged);
    const storage = await treeDigest(lab.registry.storage);

    const dry = await finished(lab.api, await startGc(lab.api, { delete_untagged: true, dry_run: true, workers: 2 }));
    expect(dry.log).toContain(`delete the untagged artifact: ProjectID:(1)-RepositoryName(team/svc)-MediaType:(application/vnd.oci.image.manifest.v1+json)-Digest:(${untagged})`);
    expect(dry.log).toContain(`blob eligible for deletion: ${untagged}`);
    expect(await treeDigest(lab.registry.storage)).toBe(storage);

    const real = await finished(lab.api, await startGc(lab.api, { delete_untagged: true, dry_run: false, workers: 2 }));
    expect(real.job.job_status).toBe('Success');
    expect(real.log).toContain(`delete manifest from storage: ${untagged}`);
    expect(real.parameters['freed_space']).toBe(dry.parameters['freed_space']);
    expect(await blobFiles(lab.registry.storage)).not.toContain(untagged.slice('sha256:'.length));
    for (const ref of KEPT) expect(await pulls(lab.registry, ref, lab.dir), `${ref} pulls`).toBe(true);
  }, 60_000);

  test('a job is Pending while queued, Running while it runs, then Success; nothing left to collect is said so', async () => {
    const slow = await startHarborApi(lab.registry, { queuedMs: 400, runDelayMs: 600 });
    try {
      const id = await startGc(slow, { dry_run: false });
      expect((await gc(slow, id)).job_status).toBe('Pending');
      await expect.poll(async () => (await gc(slow, id)).job_status, { timeout: 10_000, interval: 50 }).toBe('Running');
      const { job, log, parameters } = await finished(slow, id);
      expect(job.job_status).toBe('Success');
      expect(log).toContain('workers: 1]');
      expect(log).toContain('no need to execute GC as there is no non referenced artifacts.');
      expect(parameters).toMatchObject({ workers: 0, freed_space: 0, purged_blobs: 0, purged_manifests: 0 });
    } finally {
      await slow.stop();
    }
  }, 60_000);
});
