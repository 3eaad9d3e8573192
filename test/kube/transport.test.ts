import { describe, expect, it, onTestFinished } from 'vitest';
import { createKubectlTransport } from '../../src/transports/kubectl/index.js';
import { createLocalTransport } from '../../src/transports/local.js';
import type { Command, ExecOutcome } from '../../src/schema/transport.js';
import { tempDirForTest } from '../harness/tmp.js';
import { startKubeApi, type KubeApi } from './api-server.js';
import { KUBECTL } from './run-kubectl.js';

/** The kubectl transport through the real kubectl against the test API server. */

async function api(options: Parameters<typeof startKubeApi>[0] = {}): Promise<KubeApi> {
  const server = await startKubeApi(options);
  onTestFinished(() => server.stop());
  return server;
}

async function exec(server: KubeApi, command: Command, env: Record<string, string> = {}): Promise<{ outcome: ExecOutcome; stdout: string; stderr: string }> {
  const transport = createKubectlTransport({ base: createLocalTransport(), kubectl: KUBECTL, cacheDir: tempDirForTest() });
  let stdout = '';
  let stderr = '';
  const result = await transport.exec({
    target: { kind: 'local' },
    command,
    env: { ...server.env(), ...env },
    onStdout: (chunk) => (stdout += chunk.toString()),
    onStderr: (chunk) => (stderr += chunk.toString()),
  });
  return { outcome: result.outcome, stdout, stderr };
}

const kube = (server: KubeApi) => ({ kubeconfig: server.kubeconfigPath, context: server.context, namespace: server.namespace });
/** The registry MinIO pod of the default fixtures: kube-system, `app.kubernetes.io/name=minio`. */
const REGISTRY_MINIO = { namespace: 'kube-system', selector: 'app.kubernetes.io/name=minio', container: 'minio' };
const inMinio = (server: KubeApi, script: string, exec: object = REGISTRY_MINIO): Command => ({ kind: 'kubectl-exec', kube: kube(server), exec: { shell: 'sh', ...exec }, script });

describe('kubectl transport (real kubectl)', () => {
  it('runs kubectl get with the site context and namespace', async () => {
    const server = await api();
    const { outcome, stdout } = await exec(server, { kind: 'kubectl', kube: kube(server), args: ['get', 'moduleinfos', '-o', 'json'] });
    expect(outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(JSON.parse(stdout).items.length).toBeGreaterThan(0);
  });

  it('execs a stdin script into the pod a selector resolves to, output without the exit marker', async () => {
    const server = await api();
    const { outcome, stdout } = await exec(server, inMinio(server, 'echo "in $CONTAINER_NAME"\nprintf "no newline"'));
    expect(outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(stdout).toBe('in minio\nno newline');
    expect(server.execs.at(-1)).toMatchObject({ namespace: 'kube-system', pod: 'registry-minio-0' });
  });

  it.each([1, 2, 127])('propagates exit code %i, also from set -e', async (code) => {
    const server = await api();
    const script = code === 127 ? 'echo before\nno-such-command-here\necho after' : `echo before\nfalse || exit ${code}\necho after`;
    const { outcome, stdout } = await exec(server, inMinio(server, script));
    expect(outcome).toEqual({ kind: 'exited', exitCode: code });
    expect(stdout).toBe('before\n');
  });

  it('keeps the exit status when the script sets its own EXIT trap', async () => {
    const server = await api();
    const { outcome, stdout } = await exec(server, inMinio(server, 'trap "echo cleaning up" EXIT\necho working\nexit 4'));
    expect(outcome).toEqual({ kind: 'exited', exitCode: 4 });
    expect(stdout).toBe('working\ncleaning up\n');
  });

  it.each([
    ['WebSocket', {}],
    ['SPDY (kubectl exits 0)', { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }],
  ])('reports a connection cut in the middle of an exec as unknown, over %s', async (_name, env) => {
    const server = await api();
    server.cutNextExecAfter({ afterStdoutBytes: 20 });
    const { outcome, stdout } = await exec(server, inMinio(server, 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done'), env);
    expect(outcome.kind).toBe('unknown');
    expect((outcome as { reason: string }).reason).toContain('ended without the script\'s exit status');
    expect(stdout).not.toContain('line 1999');
  });

  it('says when RBAC forbids the exec: the command never ran', async () => {
    const server = await api({ forbid: [{ verb: 'create', resource: 'pods/exec' }] });
    const { outcome } = await exec(server, inMinio(server, 'echo hi'));
    expect(outcome.kind).toBe('refused');
    expect((outcome as { reason: string }).reason).toMatch(/not allowed \(RBAC\): pods "registry-minio-0" is forbidden/);
  });

  it('names a missing pod, a missing container, and what a selector found', async () => {
    const server = await api();
    const missingPod = await exec(server, inMinio(server, 'echo hi', { pod: 'minio-9', container: 'minio' }));
    expect(missingPod.outcome).toMatchObject({ kind: 'refused', reason: expect.stringContaining('pods "minio-9" not found') });
    const missingContainer = await exec(server, inMinio(server, 'echo hi', { namespace: 'kube-system', pod: 'registry-minio-0', container: 'mc' }));
    expect(missingContainer.outcome).toMatchObject({ kind: 'refused', reason: expect.stringContaining('container mc is not valid for pod registry-minio-0') });
    const none = await exec(server, inMinio(server, 'echo hi', { selector: 'app=nothing' }));
    expect(none.outcome).toMatchObject({ kind: 'refused', reason: 'no Running pod matches app=nothing in cpaas-system' });
    const several = await exec(server, inMinio(server, 'echo hi', { selector: 'app=worker' }));
    expect(several.outcome).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/^2 Running pods match app=worker in cpaas-system \(worker-/) });
  });

  it('says kubectl is missing', async () => {
    const server = await api();
    const transport = createKubectlTransport({ base: createLocalTransport(), kubectl: '/nonexistent/kubectl' });
    const result = await transport.exec({ target: { kind: 'local' }, command: { kind: 'kubectl', kube: kube(server), args: ['get', 'pods'] }, onStdout: () => {}, onStderr: () => {} });
    expect(result.outcome).toEqual({ kind: 'refused', reason: 'kubectl is not installed on this machine (or not on its PATH)' });
  });
});
