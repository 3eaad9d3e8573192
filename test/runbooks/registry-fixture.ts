// A real Docker registry (Debian's docker-registry) on a host reached over SSH, run the way Debian's init script
// runs it (start-stop-daemon with a pid file), as the SSH test user so a runbook can stop, reconfigure and
// start it; images built by hand as OCI layouts and pushed with skopeo.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { payload } from '../lab/oci.js';
import { tar } from '../lab/tar.js';

const run = promisify(execFile);

export const STOP_DAEMON = '/usr/sbin/start-stop-daemon';
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** Throws with what to install unless the registry fixture can run here (it never skips). */
export function requireRegistryTools(): void {
  const missing = [
    [REGISTRY_BINARY, 'docker-registry'],
    ['/usr/bin/skopeo', 'skopeo'],
    [STOP_DAEMON, 'dpkg'],
    ['/usr/bin/perl', 'perl-base'],
    ['/usr/bin/python3', 'python3'],
    ['/usr/bin/curl', 'curl'],
  ].filter(([path]) => !existsSync(path!));
  if (missing.length > 0) {
    throw new Error(`the registry GC test needs ${missing.map(([, p]) => p).join(', ')}: apt-get install -y ${missing.map(([, p]) => p).join(' ')}`);
  }
}

export interface RegistryFixture {
  /** `host:port` */
  address: string;
  url: string;
  user: string;
  password: string;
  dir: string;
  config: string;
  storage: string;
  pidFile: string;
  authFile: string;
  /** The commands the runbook is given (split on spaces, no shell). */
  stopCommand: string;
  startCommand: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the registry and removes its directory. */
  remove(): Promise<void>;
}

export interface RegistryFixtureOptions {
  /** `storage.delete.enabled` in the config (manifest DELETE through the API needs it). @default false */
  deleteEnabled?: boolean;
}

/**
 * Lays out a registry owned by `owner` under /tmp (config with deleting disabled unless `deleteEnabled`, block
 * style as Debian ships it; htpasswd auth) and starts it on `address` and a free port.
 */
export async function startRegistryFixture(owner: string, address: string, options: RegistryFixtureOptions = {}): Promise<RegistryFixture> {
  const dir = await mkdtemp('/tmp/fieldbook-gc-');
  const storage = join(dir, 'storage');
  await mkdir(storage, { recursive: true });
  const port = await freePort(address);
  const user = 'gcadmin';
  const password = createHash('sha256').update(`${dir}${Date.now()}`).digest('base64url').slice(0, 20);
  await writeFile(join(dir, 'htpasswd'), `${user}:${await bcrypt(password)}\n`);
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: info',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      '  delete:',
      `    enabled: ${options.deleteEnabled === true}`,
      'http:',
      `  addr: ${address}:${port}`,
      'auth:',
      '  htpasswd:',
      '    realm: fieldbook-gc',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  const authFile = join(dir, 'auth.json');
  await writeFile(authFile, JSON.stringify({ auths: { [`${address}:${port}`]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }));
  const pidFile = join(dir, 'registry.pid');
  const log = join(dir, 'registry.log');
  await writeFile(log, '');
  await run('chmod', ['755', dir]);
  await run('chown', ['-R', `${owner}:`, dir]);
  // --exec as well: root refuses to trust a pid file that the (non-root) registry user owns.
  const stopArgs = ['--stop', '--oknodo', '--retry', '10', '--remove-pidfile', '--pidfile', pidFile, '--exec', REGISTRY_BINARY];
  const startArgs = ['--start', '--oknodo', '--background', '--make-pidfile', '--pidfile', pidFile, '--output', log, '--exec', REGISTRY_BINARY];
  const serve = ['--', 'serve', config];
  const url = `http://${address}:${port}`;
  const fixture: RegistryFixture = {
    address: `${address}:${port}`,
    url,
    user,
    password,
    dir,
    config,
    storage,
    pidFile,
    authFile,
    stopCommand: [STOP_DAEMON, ...stopArgs].join(' '),
    startCommand: [STOP_DAEMON, ...startArgs, ...serve].join(' '),
    start: async () => {
      await run(STOP_DAEMON, [...startArgs, '--chuid', owner, ...serve]);
      await waitFor(url);
    },
    stop: async () => {
      await run(STOP_DAEMON, stopArgs);
    },
    remove: async () => {
      await fixture.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await fixture.start();
  } catch (error) {
    await fixture.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return fixture;
}

async function waitFor(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await fetch(`${url}/v2/`).then((r) => r.status, () => 0);
    if (status === 401) return;
    if (Date.now() > deadline) throw new Error(`the registry did not answer on ${url} within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A bcrypt hash (the only kind distribution's htpasswd accepts) from crypt(3) through perl; password on stdin. */
async function bcrypt(password: string): Promise<string> {
  const salt = createHash('sha256').update(password).digest('base64').replace(/[+=/]/g, '.').slice(0, 22);
  const child = run('perl', ['-e', 'my $p = <STDIN>; chomp $p; print crypt($p, $ARGV[0])', `$2b$05$${salt}`]);
  child.child.stdin?.end(`${password}\n`);
  const { stdout } = await child;
  if (!stdout.startsWith('$2b$')) throw new Error('crypt(3) did not produce a bcrypt hash');
  return stdout;
}

/** One image to push: a shared base layer, its own layer, and a config with a `created` date. */
export interface TestImage {
  repository: string;
  tags: string[];
  created: string;
  /** Bytes of the image's own (incompressible) layer. */
  size: number;
  /** A multi-platform image: an OCI index of one image per platform, whose own layer is made from `seed`. */
  platforms?: { architecture: string; seed: string; created?: string }[];
}

/** What was pushed: each tag's manifest (or index) digest, and each index's platform manifests. */
export interface Pushed {
  digests: Map<string, string>;
  children: Map<string, string[]>;
}

/** Builds the images as an OCI layout in `dir` and pushes every tag with skopeo. */
export async function pushImages(registry: RegistryFixture, images: readonly TestImage[], dir: string): Promise<Pushed> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const blob = async (bytes: Buffer, mediaType: string) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(blobs, hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  };
  const layerOf = async (name: string, content: Buffer) => {
    const plain = tar([{ path: name, content }]);
    return { descriptor: await blob(gzipSync(plain), 'application/vnd.oci.image.layer.v1.tar+gzip'), diffId: `sha256:${createHash('sha256').update(plain).digest('hex')}` };
  };
  const base = await layerOf('base.bin', payload('base', 96 * 1024));
  const single = async (created: string, architecture: string, seed: string, size: number) => {
    const own = await layerOf('app.bin', payload(seed, size));
    const config = await blob(
      Buffer.from(JSON.stringify({ created, architecture, os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [base.diffId, own.diffId] } })),
      'application/vnd.oci.image.config.v1+json',
    );
    return blob(
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [base.descriptor, own.descriptor] })),
      'application/vnd.oci.image.manifest.v1+json',
    );
  };
  const layout: { manifests: object[] } = { manifests: [] };
  const pushed: Pushed = { digests: new Map(), children: new Map() };
  for (const image of images) {
    let top;
    if (image.platforms) {
      const platforms = [];
      for (const p of image.platforms) platforms.push({ ...(await single(p.created ?? image.created, p.architecture, p.seed, image.size)), platform: { architecture: p.architecture, os: 'linux' } });
      top = await blob(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: platforms })), 'application/vnd.oci.image.index.v1+json');
      pushed.children.set(top.digest, platforms.map((p) => p.digest));
    } else {
      top = await single(image.created, 'amd64', `${image.repository}@${image.created}`, image.size);
    }
    for (const tag of image.tags) {
      layout.manifests.push({ ...top, annotations: { 'org.opencontainers.image.ref.name': `${image.repository}:${tag}` } });
      pushed.digests.set(`${image.repository}:${tag}`, top.digest);
    }
  }
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, ...layout }));
  for (const image of images) {
    for (const tag of image.tags) {
      const ref = `${image.repository}:${tag}`;
      await run('skopeo', ['copy', '--quiet', '--all', '--dest-tls-verify=false', '--dest-authfile', registry.authFile, `oci:${dir}:${ref}`, `docker://${registry.address}/${ref}`]);
    }
  }
  return pushed;
}

/** Pulls a tag (every platform) with skopeo into a fresh OCI layout, each blob's digest checked; true when it worked. */
export async function pulls(registry: RegistryFixture, ref: string, dir: string): Promise<boolean> {
  const target = join(dir, `pull-${createHash('sha256').update(ref).digest('hex').slice(0, 12)}`);
  try {
    await run('skopeo', ['copy', '--quiet', '--all', '--src-tls-verify=false', '--src-authfile', registry.authFile, `docker://${registry.address}/${ref}`, `oci:${target}:x`]);
    return true;
  } catch {
    return false;
  } finally {
    await rm(target, { recursive: true, force: true });
  }
}

/** The tags skopeo lists for a repository (sorted). */
export async function listTags(registry: RegistryFixture, repository: string): Promise<string[]> {
  const { stdout } = await run('skopeo', ['list-tags', '--tls-verify=false', '--authfile', registry.authFile, `docker://${registry.address}/${repository}`]);
  return ((JSON.parse(stdout) as { Tags: string[] }).Tags ?? []).sort();
}

/** sha256 over every path, mode-independent, and file content under `dir`: equal means nothing changed. */
export async function treeDigest(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (path: string, rel: string): Promise<void> => {
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = join(path, entry.name);
      const name = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        hash.update(`d ${name}\n`);
        await walk(child, name);
      } else {
        hash.update(`f ${name} ${createHash('sha256').update(await readFile(child)).digest('hex')}\n`);
      }
    }
  };
  await walk(dir, '');
  return hash.digest('hex');
}

/** Bytes of every file under `dir` (like du -sb without directory blocks). */
export async function treeBytes(dir: string): Promise<number> {
  const { stdout } = await run('du', ['-sb', dir]);
  return Number(stdout.split('\t')[0]);
}

/** Deletes a manifest by digest through the registry's API (deleting must be enabled), as deleting an artifact in a UI does. */
export async function deleteManifest(registry: RegistryFixture, repository: string, digest: string): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${registry.user}:${registry.password}`).toString('base64')}`;
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, { method: 'DELETE', headers: { authorization } });
  if (response.status !== 202) throw new Error(`DELETE ${repository}@${digest}: ${response.status} ${await response.text()}`);
}
