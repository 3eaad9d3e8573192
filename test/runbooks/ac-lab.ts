// The `ac` stand-in (stand-ins/ac) installed for a test: a copy in a bin directory beside its ac-lab.env, which
// names a real docker-registry (registry-fixture.ts) with deleting enabled, so `ac adm prune images --confirm`
// deletes manifests through the registry's API and `ac adm registry gc --confirm` collects its storage. Given a
// kubeconfig (a test API server's, e.g. startRegistryV2Cluster's), `ac get ...` is the real kubectl on that cluster.
import { execFile, execFileSync } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startRegistryV2Cluster, type RegistryV2Cluster, type RegistryV2ClusterOptions } from '../kube/registry-v2.js';
import { pushImages, REGISTRY_BINARY, requireRegistryTools, startRegistryFixture, type Pushed, type RegistryFixture, type TestImage } from './registry-fixture.js';

const run = promisify(execFile);

/** The stand-ins' sources. */
export const STAND_INS = resolve(import.meta.dirname, 'stand-ins');
/** The ac lab's loopback address (no other test uses it). */
export const AC_LAB_ADDRESS = '127.0.0.101';

export interface AcOptions {
  /** `old`: an ac without `--confirm` (and `--prune-registry`), refusing them as cobra refuses unknown flags. @default 'current' */
  flavor?: 'current' | 'old';
  /** What `ac version` prints as the client version. @default 'v4.3.0', or 'v4.0.4' for the old flavor */
  version?: string;
  /** Image references the cluster's workloads use (`team-a/api:1.0`, `<host>/team-a/api@sha256:...`): never pruned. @default [] */
  inUse?: string[];
  /** Owner of the installed files, for a runbook that runs ac as another user. @default the current user */
  owner?: string;
  /**
   * The cluster ac is logged in to: a kubeconfig (a test API server's `kubeconfigPath`), copied beside ac at
   * install. `ac get ...` (and describe, exec, logs, wait, auth, api-resources) runs the real kubectl with it,
   * whatever KUBECONFIG the caller has. @default none: those commands fail with "not logged in"
   */
  kubeconfig?: string;
  /** The kubectl those commands run. @default $KUBECTL, else `kubectl` found on PATH at install */
  kubectl?: string;
  /** The confirmed prune's line per deleted tag, `{ref}` for the tag (undocumented, so a test may change it). @default 'Deleted {ref}' */
  confirmWording?: string;
  /** A tag (`<namespace>/<repository>:<tag>`) every confirmed prune also deletes, silently. @default none */
  extraDeleteOnConfirm?: string;
  /** Whether the GC preview prints its per-blob lines (false: only the summary). @default true */
  gcBlobLines?: boolean;
}

/** The kubectl binary as an absolute path (a runbook may run ac with another PATH). */
function resolveKubectl(name: string): string {
  if (name.includes('/')) return resolve(name);
  try {
    return execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' }).trim() || name;
  } catch {
    return name;
  }
}

export interface AcResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface AcInstall {
  /** The directory holding `ac`: put it first on PATH. */
  bin: string;
  /** The `ac` executable. */
  ac: string;
  /** Its settings file (AC_LAB_* variables). */
  envFile: string;
  /** One line per command that acted: `<time> ac adm prune images --confirm (5 candidates, 5 deleted)`. */
  log: string;
  /** Runs `ac <args>` (never throws on a non-zero exit). */
  run(args: string[], env?: Record<string, string>): Promise<AcResult>;
}

/** Copies the ac stand-in into `dir` (created) and writes its settings for `registry`. */
export async function installAc(dir: string, registry: RegistryFixture, options: AcOptions = {}): Promise<AcInstall> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(STAND_INS)) {
    if (name === 'ac' || name.endsWith('.mjs')) await copyFile(join(STAND_INS, name), join(dir, name));
  }
  const ac = join(dir, 'ac');
  await chmod(ac, 0o755);
  const inUse = join(dir, 'in-use.txt');
  await writeFile(inUse, (options.inUse ?? []).map((ref) => `${ref}\n`).join(''));
  const log = join(dir, 'ac.log');
  await writeFile(log, '');
  const flavor = options.flavor ?? 'current';
  const kube: Record<string, string> = {};
  if (options.kubeconfig !== undefined) {
    await copyFile(options.kubeconfig, join(dir, 'kubeconfig'));
    await chmod(join(dir, 'kubeconfig'), 0o600);
    await mkdir(join(dir, 'kube-cache'), { recursive: true });
    kube['AC_LAB_KUBECONFIG'] = join(dir, 'kubeconfig');
    kube['AC_LAB_KUBE_CACHE'] = join(dir, 'kube-cache');
    kube['AC_LAB_KUBECTL'] = resolveKubectl(options.kubectl ?? process.env['KUBECTL'] ?? 'kubectl');
  }
  const settings: Record<string, string> = {
    AC_LAB_NODE: process.execPath,
    AC_LAB_FLAVOR: flavor,
    AC_LAB_VERSION: options.version ?? (flavor === 'old' ? 'v4.0.4' : 'v4.3.0'),
    AC_LAB_REGISTRY_URL: registry.url,
    AC_LAB_REGISTRY_USER: registry.user,
    AC_LAB_REGISTRY_PASSWORD: registry.password,
    AC_LAB_REGISTRY_CONFIG: registry.config,
    AC_LAB_REGISTRY_BINARY: REGISTRY_BINARY,
    AC_LAB_IN_USE: inUse,
    AC_LAB_LOG: log,
    ...(options.confirmWording === undefined ? {} : { AC_LAB_CONFIRM_WORDING: options.confirmWording }),
    ...(options.extraDeleteOnConfirm === undefined ? {} : { AC_LAB_EXTRA_DELETE: options.extraDeleteOnConfirm }),
    ...(options.gcBlobLines === false ? { AC_LAB_GC_BLOB_LINES: 'hide' } : {}),
    ...kube,
  };
  const envFile = join(dir, 'ac-lab.env');
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  await writeFile(envFile, `${Object.entries(settings).map(([k, v]) => `${k}=${quote(v)}`).join('\n')}\n`, { mode: 0o600 });
  if (options.owner) {
    const { stdout } = await run('id', ['-u', options.owner]);
    const uid = Number(stdout.trim());
    const gid = Number((await run('id', ['-g', options.owner])).stdout.trim());
    for (const name of await readdir(dir)) await chown(join(dir, name), uid, gid);
    await chown(dir, uid, gid);
  }
  return {
    bin: dir,
    ac,
    envFile,
    log,
    run: (args, env = {}) =>
      new Promise((done) => {
        execFile(ac, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...env } }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          done({ code, stdout, stderr });
        });
      }),
  };
}

export interface AcLabOptions extends AcOptions {
  /** @default AC_LAB_ADDRESS */
  address?: string;
  /** The user the registry runs as. @default 'root' */
  registryOwner?: string;
  /**
   * Also start a test API server serving Registry v2 (or, `{ legacy: true }`, the legacy registry) on the lab
   * registry's storage (test/kube/registry-v2.ts), and log ac in to it: `lab.cluster`. Wins over `kubeconfig`.
   * @default no cluster
   */
  cluster?: boolean | Omit<RegistryV2ClusterOptions, 'registry'>;
}

export interface AcLab {
  registry: RegistryFixture;
  pushed: Pushed;
  /** The current ac, in `<dir>/bin`. */
  ac: AcInstall;
  /** A scratch directory of the lab (the OCI layout pushed, ac's bin). */
  dir: string;
  /** The cluster ac is logged in to, with the `cluster` option. */
  cluster?: RegistryV2Cluster;
  /** Installs another ac (the old flavor, say) for the same registry (and cluster) in `<dir>/<name>`. */
  installAnother(name: string, options: AcOptions): Promise<AcInstall>;
  /** Stops the registry and removes everything. */
  stop(): Promise<void>;
}

/** A real registry (deleting enabled) with `images` pushed by skopeo, and the ac stand-in pointed at it. */
export async function startAcLab(images: readonly TestImage[], options: AcLabOptions = {}): Promise<AcLab> {
  requireRegistryTools();
  const registry = await startRegistryFixture(options.registryOwner ?? 'root', options.address ?? AC_LAB_ADDRESS, { deleteEnabled: true });
  const dir = await mkdtemp('/tmp/fieldbook-ac-lab-');
  let cluster: RegistryV2Cluster | undefined;
  try {
    const pushed = await pushImages(registry, images, join(dir, 'layout'));
    if (options.cluster) cluster = await startRegistryV2Cluster({ ...(options.cluster === true ? {} : options.cluster), registry });
    const kubeconfig = cluster?.kubeconfigPath ?? options.kubeconfig;
    const ac = await installAc(join(dir, 'bin'), registry, { ...options, ...(kubeconfig ? { kubeconfig } : {}) });
    return {
      registry,
      pushed,
      ac,
      dir,
      ...(cluster ? { cluster } : {}),
      installAnother: (name, more) =>
        installAc(join(dir, name), registry, {
          ...(options.inUse ? { inUse: options.inUse } : {}),
          ...(options.owner ? { owner: options.owner } : {}),
          ...(kubeconfig ? { kubeconfig } : {}),
          ...(options.kubectl ? { kubectl: options.kubectl } : {}),
          ...more,
        }),
      stop: async () => {
        try {
          await cluster?.stop();
        } finally {
          try {
            await registry.remove();
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        }
      },
    };
  } catch (error) {
    await cluster?.stop().catch(() => undefined);
    await registry.remove().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
