// Where the lab lives: loopback addresses, ports and the state directory, with the defaults that
// examples/lab.yaml is written for.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installerPackages } from './catalogue.js';

/** The repository root, from test/lab or from its compiled copy in dist-test/test/lab. */
export const REPO_ROOT = fileURLToPath(new URL('.', import.meta.url)).replace(/\/(dist-test\/)?test\/lab\/$/, '');

/** How to start a lab. Every field has a default; two labs on one machine need distinct values. */
export interface LabSettings {
  /** Everything the lab writes. @default '/tmp/fieldbook-lab' */
  stateDir: string;
  /** cp1, cp2, cp3. @default ['127.0.0.11', '127.0.0.12', '127.0.0.13'] */
  addresses: [string, string, string];
  /** Port of every host's sshd (it also listens on a random port, as the SSH harness does). @default 2222 */
  sshPort: number;
  /** The registry listens on cp1's address. @default 11440 */
  registryPort: number;
  /** Port in the platform address violet is given; nothing listens there. @default 8443 */
  platformPort: number;
  /** Seconds violet takes after logging in, before it pushes (the time a real upload takes). @default 0 */
  violetDelay: number;
  /** Seconds res/upload.sh takes before pushing each image (the time a real upload takes). @default 0 */
  uploadDelay: number;
  /** Packages (`name@version`, e.g. `logcenter@v3.16.4`) left out of the installer's plugins directory. @default [] */
  missingPackages: string[];
  /**
   * Packages put in the plugins directory at another version: `{ 'logcenter@v3.18.2': 'v3.18.0' }` makes it
   * `logcenter-v3.18.0.tgz` with VERSION v3.18.0 and its images at v3.18.0. @default {}
   */
  wrongPackageVersions: Record<string, string>;
}

export const DEFAULT_SETTINGS: LabSettings = {
  stateDir: '/tmp/fieldbook-lab',
  addresses: ['127.0.0.11', '127.0.0.12', '127.0.0.13'],
  sshPort: 2222,
  registryPort: 11440,
  platformPort: 8443,
  violetDelay: 0,
  uploadDelay: 0,
  missingPackages: [],
  wrongPackageVersions: {},
};

export const HOSTS = ['cp1', 'cp2', 'cp3'] as const;
export type HostName = (typeof HOSTS)[number];

/**
 * The registry MinIO pod of the test API server's fixtures (test/kube/fixtures/pods.json): its execs run in cp1's
 * MinIO data, see /etc/config/minio.env and have mc on PATH. Not where the old runbook assumed it
 * (`cpaas-system`, `app=minio`): the vendor leaves the namespace open, so a runbook has to find it.
 */
export const MINIO_POD = { namespace: 'kube-system', name: 'registry-minio-0', container: 'minio', labels: { 'app.kubernetes.io/name': 'minio' } } as const;

/** Another MinIO (an application's, Running, same image family and `app.kubernetes.io/name=minio`): no minio.env, no mc. */
export const DECOY_MINIO_POD = { namespace: 'minio-system', name: 'minio-tenant-0', container: 'minio' } as const;

/** A MinIO pod that is not scheduled (Pending, no node): an exec into it is refused. */
export const PENDING_MINIO_POD = { namespace: 'minio-system', name: 'minio-tenant-1', container: 'minio' } as const;

/** Throws unless every address is on 127.0.0.x (the lab never listens anywhere else) and the package faults name packages. */
export function checkSettings(settings: LabSettings): void {
  installerPackages(settings);
  for (const address of settings.addresses) {
    if (!/^127\.0\.0\.(\d{1,3})$/.test(address) || Number(address.split('.')[3]) > 254) {
      throw new Error(`the lab listens on 127.0.0.x only, not ${address}`);
    }
  }
  if (new Set(settings.addresses).size !== 3) throw new Error('cp1, cp2 and cp3 need three distinct addresses');
}

/** The lab's files, all under the state directory. */
export function labPaths(stateDir: string) {
  const host = (name: HostName) => join(stateDir, 'hosts', name);
  return {
    stateDir,
    state: join(stateDir, 'state.json'),
    ready: join(stateDir, 'ready'),
    failed: join(stateDir, 'failed'),
    daemonLog: join(stateDir, 'daemon.log'),
    site: join(stateDir, 'site.yaml'),
    secretsEnv: join(stateDir, 'secrets.env'),
    identityFile: join(stateDir, 'ssh', 'id_ed25519'),
    knownHosts: join(stateDir, 'ssh', 'known_hosts'),
    kubeconfig: join(stateDir, 'kube', 'kubeconfig'),
    /** Bound over /cpaas in the host's mount namespace. */
    host,
    minio: (name: HostName) => join(host(name), 'minio'),
    /** The registry's storage: the `registry` bucket of cp1's MinIO data. */
    registryStorage: join(host('cp1'), 'minio', 'registry'),
    registryDir: join(stateDir, 'registry'),
    registryLog: join(stateDir, 'registry', 'registry.log'),
    /** violet and nerdctl, bound read-only over /cpaas/lab-bin on every host. */
    hostBin: join(stateDir, 'bin', 'host'),
    /** mc, first on the PATH of the MinIO pod's execs. */
    podBin: join(stateDir, 'bin', 'pod'),
    /** The upper layer of /etc in the MinIO pod's mount namespace: holds config/minio.env. */
    podEtc: join(stateDir, 'pod', 'etc'),
    podEtcWork: join(stateDir, 'pod', 'etc-work'),
    /** An empty directory, bound over bin/pod in the decoy MinIO pod's mount namespace. */
    podEmpty: join(stateDir, 'pod', 'empty'),
    mcConfig: join(stateDir, 'pod', 'mc'),
    authFile: join(stateDir, 'registry', 'auth.json'),
    seedLayout: join(stateDir, 'seed', 'oci'),
    /** One line per action of a stand-in (violet push, mc rm, upload.sh, nerdctl pull). */
    actionsLog: join(stateDir, 'logs', 'stand-ins.log'),
  };
}

export type LabPaths = ReturnType<typeof labPaths>;
