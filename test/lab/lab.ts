// The rehearsal lab: three control-plane hosts (sshd in their own mount namespaces), the registry, the test
// Kubernetes API with the MinIO pod, the stand-ins, images pushed with skopeo, and the site file that ties it up.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { descendants } from '../harness/process-tree.js';
import { ensureTestUsers, requireTools } from '../harness/test-users.js';
import { SEED_IMAGES } from './catalogue.js';
import type { HostNodeConfig, HostNodeInfo } from './host-node.js';
import { buildInstaller, buildMinioData, buildSeedLayout, installedAppsTable, STAND_INS } from './installer.js';
import type { KubeNodeConfig, KubeNodeInfo } from './kube-node.js';
import { sq, startInNamespace, type NamespaceProcess } from './namespace.js';
import { startRegistry, type RunningRegistry } from './registry.js';
import { checkSettings, DECOY_MINIO_POD, HOSTS, labPaths, MINIO_POD, type HostName, type LabPaths, type LabSettings } from './settings.js';
import { LAB_USERS, renderLabSite } from './site.js';

const run = promisify(execFile);

/** What a running lab tells its users (state.json). */
export interface LabState {
  settings: LabSettings;
  daemonPid: number;
  pids: { hosts: Record<HostName, number>; kube: number; registry: number; under: number[] };
  registry: string;
  kubeApi: string;
  /** Temp dirs of the hosts' sshd and the API server (removed when they stop; by `lab:down` after a crash). */
  tempDirs: string[];
  site: string;
  secretsEnv: string;
  startedAt: string;
}

export interface RunningLab {
  state: LabState;
  stop(): Promise<void>;
}

/** Brings the lab up in `settings.stateDir` (which must not hold a running lab); `log` gets progress lines. */
export async function startLab(settings: LabSettings, log: (line: string) => void): Promise<RunningLab> {
  checkSettings(settings);
  requireLabTools();
  const users = await ensureTestUsers();
  const testUser = await uidOf(users.user);
  const paths = labPaths(settings.stateDir);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(`stopping: ${String(error)}`));
  };
  try {
    const secrets = { registry: token(), platform: token(), platformToken: token(24), minioAccess: `lab${token().slice(0, 8)}`, minioSecret: token() };
    await layOut(paths, settings, secrets, log);

    log(`registry: docker-registry on ${settings.addresses[0]}:${settings.registryPort}, storage ${paths.registryStorage}`);
    const registry = await startRegistry({
      address: settings.addresses[0],
      port: settings.registryPort,
      storage: paths.registryStorage,
      dir: paths.registryDir,
      user: LAB_USERS.registry,
      password: secrets.registry,
    });
    stops.push(() => registry.stop());
    await seedRegistry(paths, registry, log);

    // The hosts' files belong to the test user, who logs in over SSH (the registry's own files stay root's).
    await run('chown', ['-R', `${testUser.uid}:${testUser.gid}`, join(paths.stateDir, 'hosts'), join(paths.stateDir, 'logs')]);
    await run('chown', ['-R', '0:0', paths.registryStorage]);

    const hostsStarting = HOSTS.map((name, i) => startHost(paths, name, settings.addresses[i]!, settings.sshPort, log));
    const kubeStarting = startKube(paths, log);
    const started = await Promise.allSettled([...hostsStarting, kubeStarting]);
    const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    stops.push(async () => void (await Promise.all(running.map((p) => p.stop()))));
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    const hosts = await Promise.all(hostsStarting);
    const kube = await kubeStarting;

    await writeFile(paths.knownHosts, hosts.map((h) => `${h.info.hostKeyLine}\n`).join(''));
    await copyFile(kube.info.kubeconfigPath, paths.kubeconfig);
    // kubectl runs on cp1 as the test user (kube.via: cp1).
    await chown(paths.kubeconfig, testUser.uid, testUser.gid);
    await chmod(paths.kubeconfig, 0o600);
    await writeFile(paths.site, renderLabSite(settings, paths));
    await writeEnv(
      paths.secretsEnv,
      { FIELDBOOK_SECRET_REGISTRY_PASSWORD: secrets.registry, FIELDBOOK_SECRET_PLATFORM_PASSWORD: secrets.platform, FIELDBOOK_SECRET_PLATFORM_TOKEN: secrets.platformToken },
      true,
      0o600,
    );
    const state: LabState = {
      settings,
      daemonPid: process.pid,
      pids: {
        hosts: Object.fromEntries(hosts.map((h) => [h.info.name, h.pid])) as Record<HostName, number>,
        kube: kube.pid,
        registry: registry.pid,
        // sshd listeners and what runs under the lab's processes: `lab:down` kills them if the daemon died.
        under: [...hosts, kube].flatMap((p) => descendants(p.pid)),
      },
      registry: registry.address,
      kubeApi: kube.info.url,
      tempDirs: [...hosts.map((h) => h.info.sshdDir), kube.info.dir],
      site: paths.site,
      secretsEnv: paths.secretsEnv,
      startedAt: new Date().toISOString(),
    };
    await writeFile(paths.state, `${JSON.stringify(state, null, 2)}\n`);
    return { state, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function requireLabTools(): void {
  requireTools();
  const tools = [
    ['/usr/bin/docker-registry', 'docker-registry'],
    ['/usr/bin/skopeo', 'skopeo'],
    ['/usr/bin/unshare', 'util-linux'],
    ['/usr/bin/nsenter', 'util-linux'],
    ['/usr/bin/setpriv', 'util-linux'],
    ['/usr/bin/perl', 'perl-base'],
    ['/usr/bin/openssl', 'openssl'],
  ].filter(([path]) => !existsSync(path!));
  const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].some((p) => existsSync(p));
  if (tools.length > 0 || !kubectl) {
    const pkgs = [...tools.map(([, pkg]) => pkg), ...(kubectl ? [] : ['kubernetes-client'])];
    throw new Error(`the lab needs ${pkgs.join(', ')}: install with \`apt-get install -y ${pkgs.join(' ')}\``);
  }
}

/** Directories, keys, stand-ins with their settings, the installer, MinIO data. */
async function layOut(paths: LabPaths, settings: LabSettings, secrets: Record<'registry' | 'platform' | 'platformToken' | 'minioAccess' | 'minioSecret', string>, log: (line: string) => void): Promise<void> {
  const [cp1] = settings.addresses;
  await mkdir(paths.stateDir, { recursive: true, mode: 0o755 });
  await chmod(paths.stateDir, 0o755);
  // The mount point of every host's own /cpaas (an empty directory; each namespace binds its host's over it).
  await mkdir('/cpaas', { recursive: true });
  for (const dir of [join(paths.stateDir, 'ssh'), join(paths.stateDir, 'kube'), paths.hostBin, paths.podBin, join(paths.podEtc, 'config'), paths.podEtcWork, paths.podEmpty, paths.mcConfig, join(paths.stateDir, 'logs'), paths.registryDir]) {
    await mkdir(dir, { recursive: true });
  }
  await writeFile(paths.actionsLog, '');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fieldbook-lab', '-f', paths.identityFile]);

  await writeFile(paths.authFile, `${JSON.stringify({ auths: { [`${cp1}:${settings.registryPort}`]: { auth: Buffer.from(`${LAB_USERS.registry}:${secrets.registry}`).toString('base64') } } })}\n`, { mode: 0o644 });
  const common = { LAB_LOG: paths.actionsLog, LAB_REGISTRY: `${cp1}:${settings.registryPort}`, LAB_AUTHFILE: paths.authFile };
  await writeEnv(join(paths.hostBin, 'lab.env'), {
    ...common,
    LAB_PLATFORM_URL: `https://${cp1}:${settings.platformPort}`,
    LAB_PLATFORM_USER: LAB_USERS.platform,
    LAB_PLATFORM_PASSWORD: secrets.platform,
    LAB_PLATFORM_TOKEN: secrets.platformToken,
    LAB_NERDCTL_STORE: '/cpaas/lab-containerd',
    LAB_VIOLET_DELAY: String(settings.violetDelay),
    LAB_UPLOAD_DELAY: String(settings.uploadDelay),
  });
  await writeEnv(join(paths.podBin, 'lab.env'), {
    ...common,
    LAB_MINIO_URL: 'https://127.0.0.1:9000',
    LAB_MINIO_ACCESS_KEY: secrets.minioAccess,
    LAB_MINIO_SECRET_KEY: secrets.minioSecret,
    LAB_MINIO_VOLUMES: paths.minio('cp1'),
    LAB_MC_CONFIG_DIR: paths.mcConfig,
  });
  await writeEnv(join(paths.podEtc, 'config', 'minio.env'), { MINIO_ACCESS_KEY: secrets.minioAccess, MINIO_SECRET_KEY: secrets.minioSecret }, true);
  for (const [tool, dir] of [['violet', paths.hostBin], ['nerdctl', paths.hostBin], ['mc', paths.podBin]] as const) {
    await copyFile(join(STAND_INS, tool), join(dir, tool));
    await chmod(join(dir, tool), 0o755);
  }
  await writeFile(join(paths.hostBin, 'installed-apps.tsv'), installedAppsTable());

  const faults = settings.missingPackages.length + Object.keys(settings.wrongPackageVersions).length;
  log(`images: building the installer (core images, plugin packages${faults > 0 ? `, ${faults} package fault(s)` : ''}) and the seed images as OCI layouts`);
  await buildInstaller(join(paths.host('cp1'), 'installer'), settings);
  await rm(join(paths.host('cp1'), 'installer', '.build'), { recursive: true, force: true });
  await buildSeedLayout(paths.seedLayout);
  for (const host of HOSTS) {
    await buildMinioData(paths.minio(host), host);
    await mkdir(join(paths.host(host), 'lab-bin'), { recursive: true });
  }
}

async function writeEnv(path: string, values: Record<string, string>, exported = false, mode = 0o644): Promise<void> {
  const lines = Object.entries(values).map(([k, v]) => `${exported ? 'export ' : ''}${k}=${sq(v)}`);
  await writeFile(path, `${lines.join('\n')}\n`, { mode });
}

/** Pushes every seed image (current and old) with skopeo, four at a time. */
async function seedRegistry(paths: LabPaths, registry: RunningRegistry, log: (line: string) => void): Promise<void> {
  log(`images: pushing ${SEED_IMAGES.length} images to ${registry.address} with skopeo`);
  const queue = [...SEED_IMAGES];
  const worker = async () => {
    for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
      await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-authfile', paths.authFile, `oci:${paths.seedLayout}:${ref}`, `docker://${registry.address}/${ref}`]);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

const ENTRY_DIR = new URL('.', import.meta.url);

async function startHost(paths: LabPaths, name: HostName, address: string, port: number, log: (line: string) => void): Promise<NamespaceProcess<HostNodeInfo>> {
  const config: HostNodeConfig = { name, address, port, publicKeyFile: `${paths.identityFile}.pub` };
  const host = await startInNamespace<HostNodeInfo>({
    uts: true,
    setup: [
      `hostname ${name}`,
      `mount --bind ${sq(paths.host(name))} /cpaas`,
      `mount --bind ${sq(paths.hostBin)} /cpaas/lab-bin`,
      'mount -o remount,bind,ro /cpaas/lab-bin',
    ],
    entry: new URL('host-node.js', ENTRY_DIR).pathname,
    args: [JSON.stringify(config)],
    onLog: (line) => log(`${name}: ${line}`),
  });
  log(`${name}: sshd on ${address}:${port} (pid ${host.pid}), /cpaas is ${paths.host(name)}`);
  return host;
}

const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The API server in its own mount namespace (no overlay: its own execs see neither minio.env nor mc on PATH).
 * The registry MinIO pod gets a mount namespace with the /etc overlay that adds config/minio.env, its execs run in
 * cp1's MinIO data with mc first on PATH; the decoy's gets an empty directory over bin/pod, so not even mc's full
 * path works there (kube-node.ts holds the namespaces).
 */
async function startKube(paths: LabPaths, log: (line: string) => void): Promise<NamespaceProcess<KubeNodeInfo>> {
  const registryPod = `${MINIO_POD.namespace}/${MINIO_POD.name}`;
  const decoyPod = `${DECOY_MINIO_POD.namespace}/${DECOY_MINIO_POD.name}`;
  const config: KubeNodeConfig = {
    pods: {
      [registryPod]: {
        dir: paths.minio('cp1'),
        path: `${paths.podBin}:${SYSTEM_PATH}`,
        mounts: [`mount -t overlay overlay -o ${sq(`lowerdir=/etc,upperdir=${paths.podEtc},workdir=${paths.podEtcWork}`)} /etc`],
      },
      [decoyPod]: { path: SYSTEM_PATH, mounts: [`mount --bind ${sq(paths.podEmpty)} ${sq(paths.podBin)}`] },
    },
  };
  const kube = await startInNamespace<KubeNodeInfo>({
    setup: [],
    entry: new URL('kube-node.js', ENTRY_DIR).pathname,
    args: [JSON.stringify(config)],
    env: { PATH: SYSTEM_PATH },
    onLog: (line) => log(`kube: ${line}`),
  });
  log(`kube: API server ${kube.info.url} (pid ${kube.pid}); ${registryPod} execs run in ${paths.minio('cp1')} with minio.env and mc, ${decoyPod}'s without`);
  return kube;
}

function token(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

async function uidOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
