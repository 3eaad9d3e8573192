// The test Kubernetes API server, driven by the real kubectl: what the kubectl transport will rely on.
import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { tempDirForTest } from '../harness/tmp.js';
import { startKubeApi, type KubeApi, type KubeApiOptions } from './api-server.js';
import { kubectlClientVersion, runKubectl, type KubectlVersion } from './run-kubectl.js';

let kubectl: KubectlVersion;
/** kubectl 1.30 and later exec over WebSocket first; older ones speak SPDY only. */
const websocketFirst = (): boolean => kubectl.minor >= 30;
/** Makes kubectl >= 1.30 exec over SPDY, as older ones always do. */
const SPDY = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
const USER = 'system:serviceaccount:cpaas-system:fieldbook';

beforeAll(async () => {
  kubectl = await kubectlClientVersion();
});

async function startApi(options?: KubeApiOptions): Promise<KubeApi> {
  const api = await startKubeApi(options);
  onTestFinished(() => api.stop());
  return api;
}

function names(json: string): string[] {
  return (JSON.parse(json) as { items: Array<{ metadata: { name: string } }> }).items.map((item) => item.metadata.name);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('reads through the real kubectl', () => {
  let api: KubeApi;
  beforeAll(async () => {
    api = await startKubeApi();
  });
  afterAll(() => api.stop());

  it('writes a kubeconfig whose named context and namespace kubectl uses', async () => {
    const context = await runKubectl(api, ['config', 'current-context']);
    expect(context).toMatchObject({ code: 0, stdout: 'global\n' });
    const ns = await runKubectl(api, ['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}']);
    expect(ns.stdout).toBe('cpaas-system');
  });

  it('lists pods by label selector as JSON: kubectl get pods -n kube-system -l app.kubernetes.io/name=minio -o json', async () => {
    const result = await runKubectl(api, ['--context', 'global', 'get', 'pods', '-n', 'kube-system', '-l', 'app.kubernetes.io/name=minio', '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(names(result.stdout)).toEqual(['registry-minio-0']);
    const pod = (JSON.parse(result.stdout) as { items: Array<Record<string, unknown>> }).items[0];
    expect(pod).toMatchObject({ kind: 'Pod', metadata: { namespace: 'kube-system' }, status: { phase: 'Running' } });
    expect(api.requests).toContainEqual(
      expect.objectContaining({ path: '/api/v1/namespaces/kube-system/pods', query: '?labelSelector=app.kubernetes.io%2Fname%3Dminio&limit=500' }),
    );
    // In every namespace: the registry's MinIO, and another MinIO's two pods (one of them not scheduled).
    const everywhere = await runKubectl(api, ['get', 'pods', '-A', '-l', 'app.kubernetes.io/name=minio', '-o', 'json']);
    expect(names(everywhere.stdout)).toEqual(['registry-minio-0', 'minio-tenant-0', 'minio-tenant-1']);
    // The context's namespace has none: the old assumption (cpaas-system, app=minio) finds nothing.
    const old = await runKubectl(api, ['get', 'pods', '-l', 'app=minio', '-o', 'json']);
    expect(names(old.stdout)).toEqual([]);
  });

  it('applies set-based and negated selectors, and field selectors', async () => {
    const set = await runKubectl(api, ['get', 'pods', '-l', 'app in (registry,worker)', '-o', 'json']);
    expect(names(set.stdout)).toEqual(['registry-6d8f7b9c4d-x2k9p', 'worker-7b9c4-a1b2c', 'worker-7b9c4-d3e4f']);
    const negated = await runKubectl(api, ['get', 'pods', '-l', 'app,app!=worker,!job-name', '-o', 'json']);
    expect(names(negated.stdout)).toEqual(['registry-6d8f7b9c4d-x2k9p']);
    const running = await runKubectl(api, ['get', 'pods', '--field-selector', 'status.phase!=Running', '-o', 'json']);
    expect(names(running.stdout)).toEqual(['backup-29012345-q8w7e']);
    const none = await runKubectl(api, ['get', 'pods', '-l', 'app=nothing', '-o', 'json']);
    expect(names(none.stdout)).toEqual([]);
  });

  it('serves cluster-scoped and namespaced custom resources from the fixtures', async () => {
    const moduleinfos = await runKubectl(api, ['--context', 'global', 'get', 'moduleinfos', '-o', 'json']);
    expect(moduleinfos.code).toBe(0);
    expect(names(moduleinfos.stdout)).toEqual(['global-logcenter', 'global-monitoring', 'business-1-logcenter']);
    for (const item of (JSON.parse(moduleinfos.stdout) as { items: unknown[] }).items) {
      expect(item).toMatchObject({ apiVersion: 'cluster.alauda.io/v1alpha1', kind: 'ModuleInfo' });
    }
    const version = await runKubectl(api, ['get', 'moduleinfo', 'global-logcenter', '-o', 'jsonpath={.spec.version}']);
    expect(version).toMatchObject({ code: 0, stdout: 'v3.18.2' });
    const operators = await runKubectl(api, ['get', 'operators.operators.coreos.com', '-o', 'json']);
    expect(names(operators.stdout)).toEqual(['harbor-ce-operator.harbor-system', 'minio-operator.minio-system']);
    const subs = await runKubectl(api, ['get', 'subscriptions', '-A', '-o', 'json']);
    expect(names(subs.stdout)).toEqual(['harbor-ce-operator', 'minio-operator']);
    const inNamespace = await runKubectl(api, ['get', 'subs', '-n', 'minio-system', '-o', 'json']);
    expect(names(inNamespace.stdout)).toEqual(['minio-operator']);
  });

  it('serves OperatorViews (namespace = cluster) and cluster-scoped ModulePluginViews, by plural and singular', async () => {
    const views = await runKubectl(api, ['get', 'operatorviews', '-A', '-o', 'json']);
    expect(views.code).toBe(0);
    const items = (JSON.parse(views.stdout) as { items: Array<{ apiVersion: string; kind: string; metadata: { namespace: string; name: string } }> }).items;
    expect(items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['business-1/minio-operator', 'global/clickhouse-operator', 'global/harbor-ce-operator']);
    expect(items[0]).toMatchObject({ apiVersion: 'operator.alauda.io/v1alpha1', kind: 'OperatorView' });
    const inGlobal = await runKubectl(api, ['get', 'operatorview', '-n', 'global', '-o', 'name']);
    expect(inGlobal.stdout).toBe('operatorview.operator.alauda.io/clickhouse-operator\noperatorview.operator.alauda.io/harbor-ce-operator\n');
    for (const resource of ['modulepluginview', 'modulepluginviews']) {
      const plugins = await runKubectl(api, ['get', resource, '-o', 'json']);
      expect(plugins.code, plugins.stderr).toBe(0);
      expect(names(plugins.stdout)).toEqual(['aml-global', 'argocd', 'kube-ovn', 'logcenter', 'monitoring']);
      expect((JSON.parse(plugins.stdout) as { items: unknown[] }).items[0]).toMatchObject({ apiVersion: 'app.alauda.io/v1alpha2', kind: 'ModulePluginView' });
    }
  });

  it('answers plain kubectl get with a Table, printed as kubectl prints a real cluster', async () => {
    const pods = await runKubectl(api, ['get', 'pods']);
    expect(pods.code).toBe(0);
    const lines = pods.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines).toContainEqual(expect.stringMatching(/^registry-6d8f7b9c4d-x2k9p\s+1\/1\s+Running\s+0\s+\S+$/));
    expect(lines).toContainEqual(expect.stringMatching(/^backup-29012345-q8w7e\s+0\/1\s+Completed\s+0\s+\S+$/));
    const all = (await runKubectl(api, ['get', 'pods', '-A'])).stdout.trimEnd().split('\n');
    expect(all[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(all).toContainEqual(expect.stringMatching(/^kube-system\s+registry-minio-0\s+2\/2\s+Running\s+0\s+\S+$/));
    expect(all).toContainEqual(expect.stringMatching(/^minio-system\s+minio-tenant-1\s+0\/1\s+Pending\s+0\s+\S+$/));
    const modules = await runKubectl(api, ['get', 'moduleinfos']);
    expect(modules.stdout.split('\n')[0]).toMatch(/^NAME\s+CLUSTER\s+MODULE\s+VERSION\s+PHASE\s+AGE$/);
    expect(modules.stdout).toMatch(/^business-1-logcenter\s+business-1\s+logcenter\s+v3\.16\.4\s+Failed\s+\S+$/m);
    expect(api.requests.some((r) => r.accept?.includes('as=Table') === true)).toBe(true);
  });

  it('derives Namespaces from the objects', async () => {
    const result = await runKubectl(api, ['get', 'namespaces', '-o', 'json']);
    expect(names(result.stdout)).toEqual(['business-1', 'cpaas-system', 'default', 'global', 'harbor-system', 'kube-system', 'minio-system']);
  });

  it('keeps the discovery cache in the temp dir, not in the real home; --cache-dir works on every kubectl', async () => {
    await runKubectl(api, ['get', 'pods', '-o', 'name']);
    // kubectl 1.32 honours KUBECACHEDIR; 1.20 ignores it and uses $HOME/.kube/cache (HOME is inside api.dir).
    const underCacheDir = existsSync(join(api.dir, 'cache', 'discovery'));
    const underTempHome = existsSync(join(api.dir, 'home', '.kube', 'cache', 'discovery'));
    expect(underCacheDir || underTempHome).toBe(true);
    const flagDir = join(api.dir, 'flag-cache');
    const result = await runKubectl(api, ['--cache-dir', flagDir, 'get', 'pods', '-o', 'name']);
    expect(result.stdout).toContain('pod/registry-6d8f7b9c4d-x2k9p');
    expect(existsSync(join(flagDir, 'discovery'))).toBe(true);
  });

  it('says NotFound for a missing pod, as a real API server does', async () => {
    const result = await runKubectl(api, ['get', 'pod', 'nope-0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (NotFound): pods "nope-0" not found');
  });
});

describe('watches and changes made by the test (put, remove)', () => {
  it('kubectl get -w prints a pod the test adds and its change; kubectl wait --for=delete returns when it is removed', async () => {
    const api = await startApi();
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'late-0', namespace: 'kube-system', labels: { app: 'late' }, creationTimestamp: new Date().toISOString() },
      spec: { nodeName: 'cp1', containers: [{ name: 'late' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'late', ready: false, restartCount: 0 }] },
    };
    const watching = runKubectl(api, ['get', 'pods', '-n', 'kube-system', '-l', 'app=late', '-w', '--request-timeout=4s'], { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await api.put(pod);
    await api.put({ ...pod, status: { phase: 'Running', containerStatuses: [{ name: 'late', ready: true, restartCount: 0 }] } });
    const watched = await watching;
    expect(watched.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nlate-0\s+0\/1\s+Pending\s+0\s+\S+\nlate-0\s+1\/1\s+Running\s+0\s+\S+\n$/);
    expect(api.requests.some((r) => r.path === '/api/v1/namespaces/kube-system/pods' && r.query.includes('watch=true'))).toBe(true);
    // The new pod has a sandbox and can be exec'd into.
    expect(await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'late-0', '--', 'sh', '-c', 'pwd'])).toMatchObject({ code: 0, stdout: `${api.podDir('kube-system', 'late-0')}\n` });
    const deleting = runKubectl(api, ['wait', '--for=delete', 'pod/late-0', '-n', 'kube-system', '--timeout=10s']);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(api.remove('v1', 'Pod', 'kube-system', 'late-0')).toBe(true);
    expect(await deleting).toMatchObject({ code: 0, stdout: 'pod/late-0 condition met\n', stderr: '' });
    expect(api.remove('v1', 'Pod', 'kube-system', 'late-0')).toBe(false);
  });

  it('refuses a watch the user may not make', async () => {
    const api = await startApi({ forbid: [{ verb: 'watch', resource: 'pods' }] });
    const result = await runKubectl(api, ['get', 'pods', '-w', '--request-timeout=3s']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot watch resource "pods" in API group "" in the namespace "cpaas-system"`);
  });
});

describe('exec through the real kubectl', () => {
  let api: KubeApi;
  beforeAll(async () => {
    api = await startKubeApi();
  });
  afterAll(() => api.stop());

  it('runs a stdin script in the pod: kubectl exec -n kube-system -i registry-minio-0 -c minio -- sh -c "cat; exit 3"', async () => {
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'sh', '-c', 'cat; exit 3'], { input: 'line one\nline two\n' });
    expect(result.stdout).toBe('line one\nline two\n');
    expect(result.stderr).toContain('command terminated with exit code 3');
    expect(result.code).toBe(3);
    const exec = api.execs.at(-1);
    expect(exec).toMatchObject({ namespace: 'kube-system', pod: 'registry-minio-0', container: 'minio', command: ['sh', '-c', 'cat; exit 3'], exitCode: 3, stdinBytes: 18 });
    expect(exec?.protocol).toBe(websocketFirst() ? 'v5.channel.k8s.io' : 'SPDY/3.1+v4.channel.k8s.io');
  });

  it('execs by selector: finds the pod with get -l, then runs a script in its sandbox directory', async () => {
    const found = await runKubectl(api, ['get', 'pods', '-n', 'kube-system', '-l', 'app.kubernetes.io/name=minio', '-o', 'json']);
    const [pod] = names(found.stdout);
    expect(pod).toBe('registry-minio-0');
    const script = 'echo "pod=$HOSTNAME ns=$POD_NAMESPACE container=$CONTAINER_NAME"\necho wiped > bucket.marker\necho to-stderr >&2\n';
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', pod ?? '', '-c', 'minio', '--', 'sh', '-s'], { input: script });
    expect(result).toMatchObject({ code: 0, stdout: 'pod=registry-minio-0 ns=kube-system container=minio\n' });
    expect(result.stderr).toContain('to-stderr');
    expect(await readFile(join(api.podDir('kube-system', 'registry-minio-0'), 'bucket.marker'), 'utf8')).toBe('wiped\n');
  });

  it.each([
    [0, 'exit 0'],
    [1, 'false'],
    [2, 'exit 2'],
    [127, 'no-such-command-in-the-pod'],
  ])('propagates exit code %i as kubectl exit code', async (code, script) => {
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'sh', '-c', script]);
    expect(result.code).toBe(code);
    if (code === 0) expect(result.stderr).toBe('');
    else expect(result.stderr).toContain(`command terminated with exit code ${code}`);
    if (code === 127) expect(result.stderr).toContain('no-such-command-in-the-pod');
  });

  it('runs over SPDY too (kubectl < 1.30, or KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false), with the same results', async () => {
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'sh', '-c', 'cat; echo err >&2; exit 2'], { input: 'over spdy\n', env: SPDY });
    expect(result).toMatchObject({ code: 2, stdout: 'over spdy\n' });
    expect(result.stderr).toContain('err\ncommand terminated with exit code 2');
    expect(api.execs.at(-1)?.protocol).toBe('SPDY/3.1+v4.channel.k8s.io');
  });

  it('reports a command that cannot start as an internal error (exit 1), like the container runtime', async () => {
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'no-such-binary']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('exec: "no-such-binary": executable file not found in $PATH');
  });

  it('says which container is missing', async () => {
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'nope', '--', 'true']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (BadRequest): container nope is not valid for pod registry-minio-0');
  });

  it('says which pod is missing', async () => {
    const result = await runKubectl(api, ['exec', '-i', 'minio-9', '-c', 'minio', '--', 'true']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (NotFound): pods "minio-9" not found');
  });

  it('refuses a completed pod', async () => {
    const result = await runKubectl(api, ['exec', '-i', 'backup-29012345-q8w7e', '--', 'true']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot exec into a container in a completed pod; current phase is Succeeded');
  });

  it('refuses a pod that is not scheduled (Pending, no node)', async () => {
    const result = await runKubectl(api, ['exec', '-n', 'minio-system', '-i', 'minio-tenant-1', '-c', 'minio', '--', 'true']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (BadRequest): pod minio-tenant-1 does not have a host assigned');
  });
});

describe('pods whose execs have their own PATH and mount namespace (podExec)', () => {
  it('runs the command through nsenter in the pod\'s sandbox, with its PATH; a command not on that PATH fails as in the runtime', async () => {
    const bin = tempDirForTest('fieldbook-kube-bin-');
    writeFileSync(join(bin, 'only-here'), '#!/bin/sh\necho "only here"\n', { mode: 0o755 });
    // The namespace of nsenter itself: the same files, but every exec of the pod goes through nsenter.
    const api = await startApi({ podExec: { 'kube-system/registry-minio-0': { path: `${bin}:/usr/bin:/bin`, mountNamespace: '/proc/self/ns/mnt' } } });
    const inPod = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'sh', '-c', 'only-here; pwd; exit 3']);
    expect(inPod).toMatchObject({ code: 3, stdout: `only here\n${api.podDir('kube-system', 'registry-minio-0')}\n` });
    expect(api.execs.at(-1)).toMatchObject({ command: ['sh', '-c', 'only-here; pwd; exit 3'], exitCode: 3 });
    expect(await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '--', 'only-here'])).toMatchObject({ code: 0, stdout: 'only here\n' });
    const missing = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '--', 'no-such-binary']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('exec: "no-such-binary": executable file not found in $PATH');
    const elsewhere = await runKubectl(api, ['exec', '-i', 'worker-7b9c4-a1b2c', '--', 'sh', '-c', 'command -v only-here || echo none']);
    expect(elsewhere).toMatchObject({ code: 0, stdout: 'none\n' });
  });
});

describe('exec stream protocol negotiation', () => {
  it('falls back from WebSocket to SPDY when the server does not speak v5 (an API server before 1.30)', async () => {
    const api = await startApi({ execProtocols: ['v4.channel.k8s.io', 'spdy'] });
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'sh', '-c', 'cat; exit 1'], { input: 'fallback\n' });
    expect(result).toMatchObject({ code: 1, stdout: 'fallback\n' });
    const upgrades = api.requests.filter((r) => r.upgrade !== undefined).map((r) => r.upgrade);
    expect(upgrades).toEqual(websocketFirst() ? ['websocket', 'SPDY/3.1'] : ['SPDY/3.1']);
    expect(api.execs.map((e) => e.protocol)).toEqual(['SPDY/3.1+v4.channel.k8s.io']);
  });

  it('serves v4.channel.k8s.io to a WebSocket client that offers only v4, exit status on channel 3', async () => {
    const api = await startApi();
    const query = new URLSearchParams([['command', 'sh'], ['command', '-c'], ['command', 'echo hi; echo oops >&2; exit 4'], ['container', 'minio'], ['stdout', 'true'], ['stderr', 'true']]);
    const url = `${api.url.replace(/^https/, 'wss')}/api/v1/namespaces/kube-system/pods/registry-minio-0/exec?${query.toString()}`;
    const ws = new WebSocket(url, ['v4.channel.k8s.io'], { ca: api.caPem, headers: { Authorization: `Bearer ${api.token}` } });
    const channels = new Map<number, string>();
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => channels.set(data[0]!, (channels.get(data[0]!) ?? '') + data.subarray(1).toString()));
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    expect(channels.get(1)).toBe('hi\n');
    expect(channels.get(2)).toBe('oops\n');
    expect(JSON.parse(channels.get(3) ?? '{}')).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '4' }] } });
  });
});

describe('failures injected for the transport', () => {
  it('denies a (verb, resource) pair with RBAC 403 and the real message', async () => {
    const api = await startApi({ forbid: [{ verb: 'list', resource: 'pods' }] });
    const result = await runKubectl(api, ['get', 'pods', '-l', 'app=minio', '-o', 'json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Error from server (Forbidden): pods is forbidden: User "${USER}" cannot list resource "pods" in API group "" in the namespace "cpaas-system"`,
    );
  });

  it('denies exec (create pods/exec) with RBAC 403 over both protocols', async () => {
    const api = await startApi({ forbid: [{ verb: 'create', resource: 'pods/exec' }] });
    const expected = `Error from server (Forbidden): pods "registry-minio-0" is forbidden: User "${USER}" cannot create resource "pods/exec" in API group "" in the namespace "kube-system"`;
    for (const env of [{}, SPDY]) {
      const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'true'], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(expected);
    }
    expect(api.execs).toEqual([]);
  });

  it('denies a cluster-scoped custom resource at the cluster scope', async () => {
    const api = await startApi();
    api.forbid({ verb: 'list', resource: 'moduleinfos' });
    const result = await runKubectl(api, ['get', 'moduleinfos', '-o', 'json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Error from server (Forbidden): moduleinfos.cluster.alauda.io is forbidden: User "${USER}" cannot list resource "moduleinfos" in API group "cluster.alauda.io" at the cluster scope`,
    );
  });

  it('rejects a wrong token as Unauthorized', async () => {
    const api = await startApi();
    const result = await runKubectl(api, ['--token', 'wrong', 'get', 'pods']);
    expect(result.code).toBe(1);
    // kubectl 1.32 words it "(the server has asked for the client to provide credentials)", 1.20 "(Unauthorized)".
    expect(result.stderr).toContain('error: You must be logged in to the server');
  });

  it('serves plain HTTP without authentication when asked (kubectl sends no token there)', async () => {
    const api = await startApi({ tls: false });
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'sh', '-c', 'cat; exit 5'], { input: 'plain\n' });
    expect(result).toMatchObject({ code: 5, stdout: 'plain\n' });
  });

  it('shows what kubectl says when nothing listens', async () => {
    const api = await startApi();
    const port = await freePort();
    const result = await runKubectl(api, ['--server', `https://127.0.0.1:${port}`, 'get', 'pods']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?`);
  });

  it('an exec cut after some stdout over kubectl\'s default protocol: WebSocket (>= 1.30) exits 1, SPDY exits 0', async () => {
    const api = await startApi();
    api.cutNextExecAfter({ afterStdoutBytes: 6 });
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'sh', '-c', 'echo first-line; sleep 5; echo never; exit 3']);
    expect(result.stdout).toBe('first-');
    expect(result.stderr).not.toContain('command terminated');
    expect(api.execs[0]).toMatchObject({ cut: true, exitCode: null, stdoutBytes: 6 });
    if (websocketFirst()) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error: error reading from error stream');
      expect(result.stderr).toContain('websocket: close 1006 (abnormal closure): unexpected EOF');
    } else {
      expect(result.code).toBe(0);
    }
  });

  it('an exec cut after a delay: the same outcome as a cut after some bytes', async () => {
    const api = await startApi();
    api.cutNextExecAfter({ afterMs: 300 });
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'sh', '-c', 'echo before; sleep 5; echo never']);
    expect(result.stdout).toBe('before\n');
    expect(api.execs[0]).toMatchObject({ cut: true, exitCode: null });
    if (websocketFirst()) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('abnormal closure');
    } else {
      expect(result.code).toBe(0);
    }
  });

  it('a SPDY exec cut mid-stream: kubectl exits 0 with truncated output and says nothing (why the transport needs a sentinel)', async () => {
    const api = await startApi();
    api.cutNextExecAfter({ afterStdoutBytes: 6 });
    const started = Date.now();
    const result = await runKubectl(api, ['exec', '-n', 'kube-system', '-i', 'registry-minio-0', '-c', 'minio', '--', 'sh', '-c', 'echo first-line; sleep 5; echo never; exit 3'], { env: SPDY });
    expect(result.stdout).toBe('first-');
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/error|terminated/i);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(api.execs[0]).toMatchObject({ cut: true, exitCode: null, protocol: 'SPDY/3.1+v4.channel.k8s.io' });
  });
});
