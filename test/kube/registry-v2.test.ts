// The Registry v2 cluster (and the legacy one) as the real kubectl sees it: what acp-registry-v2-prune reads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { makeTempDir } from '../harness/tmp.js';
import { LEGACY_REGISTRY, REGISTRY_V2, startRegistryV2Cluster, type RegistryV2Cluster, type RegistryV2ClusterOptions } from './registry-v2.js';
import { runKubectl, type RunKubectlOptions } from './run-kubectl.js';

const NS = REGISTRY_V2.namespace;
/** The jsonpath the runbook's pruner-jobs step lists running Jobs with. */
const ACTIVE_JOBS = 'jsonpath={range .items[?(@.status.active)]}{.metadata.name}{"\\n"}{end}';

const storage = makeTempDir('fieldbook-registry-v2-storage-');
beforeAll(() => {
  // 3 files of 64 KiB under docker/registry/v2, as a registry's filesystem storage lays them out.
  const blobs = join(storage.path, 'docker', 'registry', 'v2', 'blobs', 'sha256', 'ab');
  mkdirSync(blobs, { recursive: true });
  for (const name of ['one', 'two', 'three']) writeFileSync(join(blobs, name), Buffer.alloc(64 * 1024, 1));
});
afterAll(() => storage.remove());

async function start(options: Omit<RegistryV2ClusterOptions, 'registry'> = {}): Promise<RegistryV2Cluster> {
  const cluster = await startRegistryV2Cluster({ registry: { storage: storage.path }, ...options });
  onTestFinished(() => cluster.stop());
  return cluster;
}

const kubectl = (cluster: RegistryV2Cluster, args: string[], options?: RunKubectlOptions) => runKubectl(cluster.api, args, options);

function names(json: string): string[] {
  return (JSON.parse(json) as { items: Array<{ metadata: { name: string } }> }).items.map((item) => item.metadata.name);
}

describe('a Registry v2 cluster', () => {
  let cluster: RegistryV2Cluster;
  beforeAll(async () => {
    cluster = await startRegistryV2Cluster({ registry: { storage: storage.path } });
  });
  afterAll(() => cluster.stop());

  it('kubectl wait --for=condition=Available deployment/image-registry returns at once, with nothing on stderr', async () => {
    const before = cluster.api.requests.length;
    const result = await kubectl(cluster, ['wait', '--for=condition=Available', 'deployment/image-registry', '-n', NS, '--timeout=60s']);
    expect(result).toMatchObject({ code: 0, stdout: 'deployment.apps/image-registry condition met\n', stderr: '' });
    expect(result.ms).toBeLessThan(5000);
    // What kubectl 1.32 asks: the object, then an informer's list by name and its watch (opened even though the
    // condition already holds, and refused watches print reflector errors).
    const asked = cluster.api.requests.slice(before).filter((r) => r.path.endsWith('/deployments') || r.path.endsWith('/image-registry'));
    expect(asked.map((r) => r.path)).toContain(`/apis/apps/v1/namespaces/${NS}/deployments/image-registry`);
    expect(asked.some((r) => r.query.includes('fieldSelector=metadata.name%3Dimage-registry') && !r.query.includes('watch=true'))).toBe(true);
    expect(asked.some((r) => r.query.includes('fieldSelector=metadata.name%3Dimage-registry') && r.query.includes('watch=true'))).toBe(true);
  });

  it('has the Deployment with its stable uid, and its Running pod labelled app.kubernetes.io/name=image-registry', async () => {
    const uid = await kubectl(cluster, ['get', 'deployment', 'image-registry', '-n', NS, '-o', 'jsonpath={.metadata.uid}']);
    expect(uid).toMatchObject({ code: 0, stdout: REGISTRY_V2.uid });
    const pods = await kubectl(cluster, ['get', 'pods', '-n', NS, '-l', REGISTRY_V2.selector, '-o', 'json']);
    const items = (JSON.parse(pods.stdout) as { items: Array<{ metadata: { name: string }; spec: { containers: Array<{ name: string }> }; status: { phase: string } }> }).items;
    expect(items.map((p) => [p.metadata.name, p.spec.containers.map((c) => c.name), p.status.phase])).toEqual([[REGISTRY_V2.pod, ['registry'], 'Running']]);
    // The legacy selector finds nothing in either namespace.
    expect(names((await kubectl(cluster, ['get', 'pods', '-A', '-l', 'app=image-registry', '-o', 'json'])).stdout)).toEqual([]);
    const table = await kubectl(cluster, ['get', 'deployments', '-n', NS]);
    expect(table.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    expect(table.stdout).toMatch(/^image-registry\s+1\/1\s+1\s+1\s+\S+$/m);
    const namespaces = names((await kubectl(cluster, ['get', 'namespaces', '-o', 'json'])).stdout);
    expect(namespaces).toContain(NS);
    // Found by name in every namespace, as the runbook's version guard looks for it.
    const everywhere = await kubectl(cluster, ['get', 'deployments', '--all-namespaces', '--field-selector', 'metadata.name=image-registry', '-o', 'json']);
    const found = (JSON.parse(everywhere.stdout) as { items: Array<{ metadata: { namespace: string; uid: string; labels: Record<string, string> } }> }).items;
    expect(found.map((d) => [d.metadata.namespace, d.metadata.uid, d.metadata.labels['app.kubernetes.io/name']])).toEqual([[NS, REGISTRY_V2.uid, 'image-registry']]);
  });

  it('execs into the registry pod in the storage directory: du -sk measures it', async () => {
    const result = await kubectl(cluster, ['exec', '-n', NS, '-i', REGISTRY_V2.pod, '-c', 'registry', '--', 'sh', '-s'], { input: `pwd\ndu -sk ${cluster.dataPath}\n` });
    expect(result.code, result.stderr).toBe(0);
    const [pwd, du] = result.stdout.trimEnd().split('\n');
    expect(pwd).toBe(cluster.dataPath);
    const kib = Number(/^(\d+)\s/.exec(du ?? '')?.[1]);
    expect(kib).toBeGreaterThanOrEqual(3 * 64);
    expect(cluster.api.execs.at(-1)).toMatchObject({ namespace: NS, pod: REGISTRY_V2.pod, container: 'registry', exitCode: 0 });
  });

  it('serves Config/cluster and ImagePruner/cluster (imageregistry.operator.alauda.io/v1, cluster-scoped)', async () => {
    const pruner = await kubectl(cluster, ['get', 'imagepruners.imageregistry.operator.alauda.io', 'cluster', '-o', 'json']);
    expect(pruner.code, pruner.stderr).toBe(0);
    expect(JSON.parse(pruner.stdout)).toMatchObject({
      apiVersion: 'imageregistry.operator.alauda.io/v1',
      kind: 'ImagePruner',
      metadata: { name: 'cluster' },
      spec: { schedule: '0 0 * * *', suspend: false, keepTagRevisions: 3, keepYoungerThanDuration: '60m', resources: { requests: { cpu: '100m', memory: '256Mi' } } },
    });
    expect((await kubectl(cluster, ['get', 'imagepruner', 'cluster', '-o', 'jsonpath={.spec.suspend}'])).stdout).toBe('false');
    const config = await kubectl(cluster, ['get', 'configs.imageregistry.operator.alauda.io', 'cluster', '-o', 'json']);
    expect(config.code, config.stderr).toBe(0);
    expect(JSON.parse(config.stdout)).toMatchObject({ kind: 'Config', spec: { managementState: 'Managed', storage: { pvc: { claim: 'image-registry-storage' } } } });
    const resources = await kubectl(cluster, ['api-resources', '--api-group=imageregistry.operator.alauda.io', '-o', 'name']);
    expect(resources.stdout.split('\n').filter(Boolean).sort()).toEqual(['configs.imageregistry.operator.alauda.io', 'imagepruners.imageregistry.operator.alauda.io']);
  });

  it('has the image-pruner CronJob and its finished Jobs, none running', async () => {
    const cron = await kubectl(cluster, ['get', 'cronjob', 'image-pruner', '-n', NS, '-o', 'json']);
    expect(JSON.parse(cron.stdout)).toMatchObject({ apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: '0 0 * * *', suspend: false } });
    const jobs = await kubectl(cluster, ['get', 'jobs', '-n', NS, '-o', 'json']);
    expect(names(jobs.stdout)).toEqual(['image-pruner-29478240', 'image-pruner-29479680']);
    const active = await kubectl(cluster, ['get', 'jobs', '-n', NS, '-o', ACTIVE_JOBS]);
    expect(active).toMatchObject({ code: 0, stdout: '' });
    const table = await kubectl(cluster, ['get', 'jobs,cronjobs', '-n', NS]);
    expect(table.stdout).toMatch(/^job\.batch\/image-pruner-29479680\s+Complete\s+1\/1\s+72s\s+\S+$/m);
    expect(table.stdout).toMatch(/^cronjob\.batch\/image-pruner\s+0 0 \* \* \*\s+<none>\s+False\s+0\s+\S+\s+\S+$/m);
  });
});

describe('a Registry v2 cluster with a prune job running', () => {
  it('lists the running job as the runbook reads it; finishing it empties the list and satisfies kubectl wait', async () => {
    const cluster = await start({ activePruneJob: true });
    const name = cluster.activePruneJob ?? '';
    expect(name).toMatch(/^image-pruner-\d{8}$/);
    expect(await kubectl(cluster, ['get', 'jobs', '-n', NS, '-o', ACTIVE_JOBS])).toMatchObject({ code: 0, stdout: `${name}\n` });
    const cron = await kubectl(cluster, ['get', 'cronjob', 'image-pruner', '-n', NS, '-o', 'jsonpath={.status.active[*].name}']);
    expect(cron.stdout).toBe(name);
    // Its pod runs, and does not carry the registry's label.
    const pods = await kubectl(cluster, ['get', 'pods', '-n', NS, '-l', `job-name=${name}`, '-o', 'jsonpath={.items[*].status.phase}']);
    expect(pods.stdout).toBe('Running');
    expect(names((await kubectl(cluster, ['get', 'pods', '-n', NS, '-l', REGISTRY_V2.selector, '-o', 'json'])).stdout)).toEqual([REGISTRY_V2.pod]);

    const waiting = kubectl(cluster, ['wait', '--for=condition=Complete', `job/${name}`, '-n', NS, '--timeout=20s']);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await cluster.finishPruneJob();
    const waited = await waiting;
    expect(waited).toMatchObject({ code: 0, stdout: `job.batch/${name} condition met\n`, stderr: '' });
    expect(waited.ms).toBeLessThan(10_000);
    expect(await kubectl(cluster, ['get', 'jobs', '-n', NS, '-o', ACTIVE_JOBS])).toMatchObject({ code: 0, stdout: '' });
    expect((await kubectl(cluster, ['get', 'cronjob', 'image-pruner', '-n', NS, '-o', 'jsonpath={.status.active}'])).stdout).toBe('');
  });

  it('takes the running job\'s name', async () => {
    const cluster = await start({ activePruneJob: 'image-pruner-manual-x7k2p' });
    expect(await kubectl(cluster, ['get', 'jobs', '-n', NS, '-o', ACTIVE_JOBS])).toMatchObject({ stdout: 'image-pruner-manual-x7k2p\n' });
  });
});

describe('a cluster with the legacy registry', () => {
  it('has image-registry in cpaas-system (app=image-registry), no image-registry-system and no operator resources', async () => {
    const cluster = await start({ legacy: true });
    expect(cluster.registry).toBe(LEGACY_REGISTRY);
    const missing = await kubectl(cluster, ['wait', '--for=condition=Available', 'deployment/image-registry', '-n', NS, '--timeout=5s']);
    expect(missing.code).toBe(1);
    // kubectl 1.32, told NotFound, asks for the namespace and names it when that is what is missing.
    expect(missing.stderr).toContain(`Error from server (NotFound): namespaces "${NS}" not found`);
    expect(names((await kubectl(cluster, ['get', 'namespaces', '-o', 'json'])).stdout)).not.toContain(NS);
    const pruner = await kubectl(cluster, ['get', 'imagepruners.imageregistry.operator.alauda.io', 'cluster', '-o', 'json']);
    expect(pruner.code).toBe(1);
    expect(pruner.stderr).toContain('error: the server doesn\'t have a resource type "imagepruners"');
    const legacy = await kubectl(cluster, ['get', 'deployment', 'image-registry', '-n', 'cpaas-system', '-o', 'jsonpath={.metadata.uid}']);
    expect(legacy).toMatchObject({ code: 0, stdout: LEGACY_REGISTRY.uid });
    const everywhere = await kubectl(cluster, ['get', 'deployments', '--all-namespaces', '--field-selector', 'metadata.name=image-registry', '-o', 'json']);
    const found = (JSON.parse(everywhere.stdout) as { items: Array<{ metadata: { namespace: string; labels: Record<string, string> } }> }).items;
    expect(found.map((d) => [d.metadata.namespace, d.metadata.labels])).toEqual([['cpaas-system', { app: 'image-registry' }]]);
    const pods = await kubectl(cluster, ['get', 'pods', '-n', 'cpaas-system', '-l', LEGACY_REGISTRY.selector, '-o', 'json']);
    expect(names(pods.stdout)).toEqual([LEGACY_REGISTRY.pod]);
    expect((await kubectl(cluster, ['get', 'jobs', '-A', '-o', 'json'])).stdout).toContain('"items": []');
  });
});
