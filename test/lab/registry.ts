// The lab's image registry: the Debian `docker-registry` (CNCF distribution) as a plain process, htpasswd
// auth, filesystem storage in the `registry` bucket of cp1's MinIO data directory.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RegistryOptions {
  address: string;
  port: number;
  /** Storage root (filesystem driver): the registry's data lives in `<root>/docker/registry/v2`. */
  storage: string;
  /** Config, htpasswd and log go here. */
  dir: string;
  user: string;
  password: string;
}

export interface RunningRegistry {
  /** `host:port`. */
  address: string;
  pid: number;
  log: string;
  stop(): Promise<void>;
}

/** Starts `docker-registry serve` and waits until /v2/ answers (401: it wants credentials). */
export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  await mkdir(options.dir, { recursive: true });
  await mkdir(options.storage, { recursive: true });
  const htpasswd = join(options.dir, 'htpasswd');
  await writeFile(htpasswd, `${options.user}:${await bcrypt(options.password)}\n`, { mode: 0o600 });
  const config = join(options.dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: { level: info, formatter: text, accesslog: { disabled: false } }',
      // No blob descriptor cache: after the bucket is wiped behind the registry's back it must not claim a blob
      // is still there (a cache would, until a restart).
      `storage: { filesystem: { rootdirectory: ${JSON.stringify(options.storage)} }, delete: { enabled: true } }`,
      `http: { addr: "${options.address}:${options.port}", headers: { X-Content-Type-Options: [nosniff] } }`,
      `auth: { htpasswd: { realm: fieldbook-lab, path: ${JSON.stringify(htpasswd)} } }`,
      '',
    ].join('\n'),
  );
  const log = join(options.dir, 'registry.log');
  const fd = openSync(log, 'a');
  let child: ChildProcess;
  try {
    child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = `${options.address}:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitForRegistry(address, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, pid: child.pid!, log, stop };
}

async function waitForRegistry(address: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode} before listening (see its log)`);
    const status = await fetch(`http://${address}/v2/`).then((r) => r.status, () => 0);
    if (status === 401) return;
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${address} within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A bcrypt hash (the only kind distribution's htpasswd accepts) from glibc's crypt(3) through perl. */
async function bcrypt(password: string): Promise<string> {
  const salt = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256)))
    .toString('base64')
    .replace(/[+=]/g, '.')
    .slice(0, 22);
  // The password travels on stdin, never in argv.
  const child = run('perl', ['-e', 'my $p = <STDIN>; chomp $p; print crypt($p, $ARGV[0])', `$2b$05$${salt}`]);
  child.child.stdin?.end(`${password}\n`);
  const { stdout } = await child;
  if (!stdout.startsWith('$2b$')) throw new Error('crypt(3) did not produce a bcrypt hash (needs libxcrypt, Debian 11 or newer)');
  return stdout;
}
