// The lab's Kubernetes API, run by the lab daemon in its own mount namespace. A pod with mounts of its own gets
// a mount namespace of its own, held by a process (a pause container of sorts) that dies with this one; its
// execs enter it with nsenter. The registry MinIO pod's has /etc/config/minio.env (an overlay on /etc) and mc on
// PATH; the decoy MinIO pod's has neither. Other pods' execs run in the API server's own namespace.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startKubeApi, type PodExec } from '../kube/api-server.js';
import { loadFixtures } from '../kube/objects.js';
import { serveUntilSignalled } from './namespace.js';
import { REPO_ROOT } from './settings.js';

/** What one pod's execs see. */
export interface PodSandbox {
  /** Working directory (and HOME) of its execs. @default a directory of the API server's */
  dir?: string;
  /** PATH of its execs. @default the API server's */
  path?: string;
  /** Shell lines run as root in a mount namespace made for the pod, in which its execs then run. @default none */
  mounts?: string[];
}

export interface KubeNodeConfig {
  /** By `namespace/name`. */
  pods: Record<string, PodSandbox>;
}

export interface KubeNodeInfo {
  url: string;
  kubeconfigPath: string;
  dir: string;
}

/**
 * A process in a new mount namespace after `mounts` ran there; killed with this process (parent-death signal),
 * so the namespace never outlives the API server. (A persistent namespace file, `unshare --mount=<file>`, was
 * refused now and then with EINVAL by the kernel's namespace-loop check, so the lab holds them with processes.)
 */
function holdNamespace(mounts: string[]): Promise<{ pid: number; stop: () => void }> {
  const script = [...mounts, 'echo held', 'exec sleep infinity'].join('\n');
  const holder = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', '--mount', '--propagation', 'private', '--', 'sh', '-ec', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    holder.once('error', reject);
    holder.once('exit', (code, signal) => reject(new Error(`the pod's mount namespace could not be made (${code ?? signal}): ${mounts.join('; ')}`)));
    createInterface({ input: holder.stdout }).once('line', () => resolve({ pid: holder.pid!, stop: () => void holder.kill('SIGKILL') }));
  });
}

const config = JSON.parse(process.argv[2] ?? '{}') as KubeNodeConfig;
const holders: { stop: () => void }[] = [];
const podDirs: Record<string, string> = {};
const podExec: Record<string, PodExec> = {};
for (const [pod, sandbox] of Object.entries(config.pods)) {
  if (sandbox.dir !== undefined) podDirs[pod] = sandbox.dir;
  const held = sandbox.mounts === undefined ? undefined : await holdNamespace(sandbox.mounts);
  if (held) holders.push(held);
  podExec[pod] = { ...(sandbox.path === undefined ? {} : { path: sandbox.path }), ...(held ? { mountNamespace: `/proc/${held.pid}/ns/mnt` } : {}) };
}
// The default fixtures (plugins, Operators, the MinIO pods), read from the source tree also when compiled.
const fixtures = await loadFixtures(join(REPO_ROOT, 'test', 'kube', 'fixtures'));
const api = await startKubeApi({ fixtures, podDirs, podExec });
const info: KubeNodeInfo = { url: api.url, kubeconfigPath: api.kubeconfigPath, dir: api.dir };
serveUntilSignalled(info, async () => {
  await api.stop();
  for (const holder of holders) holder.stop();
});
