// An ACP cluster running the operator-managed Registry v2 (fixtures-registry-v2/), or the legacy registry
// (fixtures-registry-legacy/), served by the test API server for runbooks that read it with kubectl (and with the ac
// stand-in, which runs kubectl against the same kubeconfig). The registry pod's execs run in a real registry's
// storage directory, so `du -sk <dataPath>` measures it. What each object is and what is a guess:
// test/kube/README.md.
import { fileURLToPath } from 'node:url';
import { startKubeApi, type ForbidRule, type KubeApi } from './api-server.js';
import { syncImageStreamTags } from './image-stream-tags.js';
import { loadFixtures, type Fixture, type KubeObject, type ObjectStore } from './objects.js';

export const REGISTRY_V2_FIXTURES_DIR = fileURLToPath(new URL('./fixtures-registry-v2/', import.meta.url));
export const LEGACY_REGISTRY_FIXTURES_DIR = fileURLToPath(new URL('./fixtures-registry-legacy/', import.meta.url));

/** The Registry v2 workload in fixtures-registry-v2/. */
export const REGISTRY_V2 = {
  namespace: 'image-registry-system',
  deployment: 'image-registry',
  uid: '7f3c9a2e-5b41-4d8e-9c6a-1e2f3a4b5c6d',
  pod: 'image-registry-7c9d8f6b5d-k4m2x',
  container: 'registry',
  selector: 'app.kubernetes.io/name=image-registry',
  /** Where the Deployment mounts the storage PVC (the runbook's registryDataPath default). */
  mountPath: '/registry',
} as const;

/** The legacy registry in fixtures-registry-legacy/ (no image-registry-system namespace, no operator CRDs). */
export const LEGACY_REGISTRY = {
  namespace: 'cpaas-system',
  deployment: 'image-registry',
  uid: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
  pod: 'image-registry-6b8d9c7f5-w8n3v',
  container: 'registry',
  selector: 'app=image-registry',
  mountPath: '/var/lib/registry',
} as const;

const CRONJOB_UID = '5e6f7081-92a3-4b4c-9d5e-6f708192a3b4';
const PRUNER_IMAGE = 'registry.alauda.cn:60080/acp/ac:v4.3.0';

/** The most recent midnight (UTC) before `now`: when the `0 0 * * *` schedule last fired. */
function lastMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** `image-pruner-<minutes since the epoch>`, as the CronJob controller names a scheduled Job. */
export function pruneJobName(scheduled: Date): string {
  return `image-pruner-${Math.floor(scheduled.getTime() / 60_000)}`;
}

export interface PruneJobOptions {
  /** @default pruneJobName(the last midnight UTC) */
  name?: string;
  /** When the CronJob scheduled it. @default the last midnight UTC */
  scheduled?: Date;
  /** Running (`status.active: 1`, its pod Running) or finished (`Complete`, the pod Succeeded). @default 'active' */
  state?: 'active' | 'complete';
}

/** A Job of the image-pruner CronJob and its pod, in image-registry-system. */
export function pruneJob(options: PruneJobOptions = {}): { job: KubeObject; pod: KubeObject } {
  const scheduled = options.scheduled ?? lastMidnight(new Date());
  const name = options.name ?? pruneJobName(scheduled);
  const start = scheduled.toISOString().replace(/\.\d+Z$/, 'Z');
  const done = new Date(scheduled.getTime() + 72_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const active = (options.state ?? 'active') === 'active';
  const uid = `6f708192-a3b4-4c5d-8e6f-${String(Math.floor(scheduled.getTime() / 60_000)).padStart(12, '0').slice(-12)}`;
  const labels = { 'app.kubernetes.io/name': 'image-pruner', 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  const container = {
    name: 'image-pruner',
    image: PRUNER_IMAGE,
    command: ['ac'],
    args: ['adm', 'prune', 'images', '--keep-tag-revisions=3', '--keep-younger-than=60m', '--confirm'],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  };
  const complete = [
    { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: done, lastTransitionTime: done, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
    { type: 'Complete', status: 'True', lastProbeTime: done, lastTransitionTime: done, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
  ];
  const job: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: REGISTRY_V2.namespace,
      uid,
      resourceVersion: '48500',
      generation: 1,
      creationTimestamp: start,
      labels,
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': start },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'image-pruner', uid: CRONJOB_UID, controller: true, blockOwnerDeletion: true }],
    },
    spec: { backoffLimit: 0, completions: 1, parallelism: 1, template: { metadata: { labels }, spec: { restartPolicy: 'Never', serviceAccountName: 'pruner', containers: [container] } } },
    // The API omits zero counts (`active`, `succeeded`), so a finished Job has no status.active at all.
    status: active
      ? { active: 1, startTime: start, ready: 1, terminating: 0, uncountedTerminatedPods: {} }
      : { conditions: complete, startTime: start, completionTime: done, succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} },
  };
  const podName = `${name}-${uid.slice(-5)}`;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName,
      namespace: REGISTRY_V2.namespace,
      uid: `${uid.slice(0, -5)}aaaaa`,
      resourceVersion: '48501',
      creationTimestamp: start,
      labels,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { nodeName: 'worker-1', restartPolicy: 'Never', containers: [{ name: container.name, image: container.image }] },
    status: {
      phase: active ? 'Running' : 'Succeeded',
      podIP: '10.3.1.40',
      hostIP: '192.0.2.21',
      startTime: start,
      containerStatuses: [
        {
          name: container.name,
          image: container.image,
          ready: active,
          started: active,
          restartCount: 0,
          state: active ? { running: { startedAt: start } } : { terminated: { exitCode: 0, reason: 'Completed', startedAt: start, finishedAt: done } },
        },
      ],
    },
  };
  return { job, pod };
}

export interface RegistryV2ClusterOptions {
  /** The registry whose storage the registry pod's execs run in (a RegistryFixture, or any `{ storage }`). */
  registry: { storage: string };
  /** Serve the legacy registry (cpaas-system, `app=image-registry`) and no Registry v2. @default false */
  legacy?: boolean;
  /** A prune Job of the image-pruner CronJob running now (true, or its name). Not with `legacy`. @default false */
  activePruneJob?: boolean | string;
  /** More objects (their types must be in the fixture set: Pod, Deployment, Job, CronJob, PVC, and the CRs for v2). */
  objects?: KubeObject[];
  forbid?: ForbidRule[];
  /** @default 'global' */
  context?: string;
  /** The kubeconfig context's namespace. @default 'cpaas-system' */
  namespace?: string;
}

export interface RegistryV2Cluster {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  /** For kubectl (`--kubeconfig`, KUBECONFIG) and for the ac stand-in (installAc's `kubeconfig`). */
  kubeconfigPath: string;
  /** The API server (requests, execs, put/remove, forbid). */
  api: KubeApi;
  /** REGISTRY_V2, or LEGACY_REGISTRY with `legacy`. */
  registry: typeof REGISTRY_V2 | typeof LEGACY_REGISTRY;
  /** Where the registry pod's execs run (its working directory and HOME): the storage. Pass it as the runbook's registryDataPath. */
  dataPath: string;
  /** The running prune Job's name, with `activePruneJob`. */
  activePruneJob?: string;
  /** Marks the running prune Job complete (its pod Succeeded, the CronJob's status.active emptied); watches see it. */
  finishPruneJob(): Promise<void>;
  /** KUBECONFIG, KUBECACHEDIR and HOME for a kubectl child. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the test API server as an ACP cluster with Registry v2 (or the legacy registry), the storage in the registry pod. */
export async function startRegistryV2Cluster(options: RegistryV2ClusterOptions): Promise<RegistryV2Cluster> {
  const legacy = options.legacy ?? false;
  if (legacy && options.activePruneJob) throw new Error('activePruneJob is a Registry v2 CronJob; the legacy registry has none');
  const registry = legacy ? LEGACY_REGISTRY : REGISTRY_V2;
  const fixtures: Fixture[] = await loadFixtures(legacy ? LEGACY_REGISTRY_FIXTURES_DIR : REGISTRY_V2_FIXTURES_DIR);
  const objects: KubeObject[] = [...(options.objects ?? [])];
  let running: { job: KubeObject; pod: KubeObject } | undefined;
  if (options.activePruneJob) {
    running = pruneJob(typeof options.activePruneJob === 'string' ? { name: options.activePruneJob } : {});
    objects.push(running.job, running.pod);
    const cronJob = fixtures.find((f) => f.resource.kind === 'CronJob')?.items.find((o) => o.metadata.name === 'image-pruner');
    if (cronJob) cronJob['status'] = { ...(cronJob['status'] as object), lastScheduleTime: running.job.metadata.creationTimestamp, active: [jobReference(running.job)] };
  }
  const api = await startKubeApi({
    fixtures,
    objects,
    podDirs: { [`${registry.namespace}/${registry.pod}`]: options.registry.storage },
    ...(options.forbid ? { forbid: options.forbid } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
    // Registry v2's tags are ImageStreamTags of its Image API, kept in line with the registry's storage.
    ...(legacy ? {} : { beforeRead: (store: ObjectStore) => syncImageStreamTags(store, options.registry.storage) }),
  });
  return {
    url: api.url,
    kubeconfigPath: api.kubeconfigPath,
    api,
    registry,
    dataPath: options.registry.storage,
    ...(running ? { activePruneJob: running.job.metadata.name } : {}),
    finishPruneJob: async () => {
      if (running === undefined) throw new Error('no prune job is running (start the cluster with activePruneJob)');
      const scheduled = new Date(running.job.metadata.creationTimestamp ?? Date.now());
      const finished = pruneJob({ name: running.job.metadata.name, scheduled, state: 'complete' });
      await api.put(finished.pod);
      await api.put(finished.job);
      const cronJob = fixtures.find((f) => f.resource.kind === 'CronJob')?.items.find((o) => o.metadata.name === 'image-pruner');
      if (cronJob) {
        const { active: _active, ...status } = cronJob['status'] as Record<string, unknown>;
        await api.put({ ...cronJob, status: { ...status, lastSuccessfulTime: (finished.job['status'] as { completionTime: string }).completionTime } });
      }
    },
    env: () => api.env(),
    stop: () => api.stop(),
  };
}

function jobReference(job: KubeObject): Record<string, string> {
  return { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace: job.metadata.namespace ?? '', uid: String(job.metadata['uid']), resourceVersion: String(job.metadata['resourceVersion']) };
}
