// The Harbor API stand-in (stand-ins/harbor-api.mjs) started for a test as a plain process on a loopback address,
// in front of a real docker-registry (registry-fixture.ts) whose storage its GC jobs collect for real.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pushImages, REGISTRY_BINARY, requireRegistryTools, startRegistryFixture, type Pushed, type RegistryFixture, type TestImage } from './registry-fixture.js';

/** The Harbor lab's loopback address (no other test uses it). */
export const HARBOR_LAB_ADDRESS = '127.0.0.102';
const SERVER = resolve(import.meta.dirname, 'stand-ins', 'harbor-api.mjs');

export interface HarborApiOptions {
  /** @default HARBOR_LAB_ADDRESS */
  address?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** What systeminfo reports; a v1.* version serves Harbor 1.x's /api/systeminfo only. @default 'v2.11.1-6b7ecba1' */
  harborVersion?: string;
  /** @default 'admin' */
  username?: string;
  /** @default random */
  password?: string;
  /** A GC job reports Pending this long before it runs. @default 0 */
  queuedMs?: number;
  /** A GC job stays Running this long before the registry's GC starts. @default 0 */
  runDelayMs?: number;
  /**
   * A blob digest (`sha256:...`) that every real (not dry-run) GC also deletes from the storage and logs as
   * deleted, though no dry run lists it: a GC that deletes more than was reviewed. @default none
   */
  extraDeleteOnRealRun?: string;
}

export interface HarborApi {
  /** `http://<address>:<port>`; the API is under /api/v2.0. */
  url: string;
  username: string;
  password: string;
  harborVersion: string;
  /** `fetch` of a path under the server with the admin's basic auth (`auth: false` for an anonymous call). */
  call(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the Harbor API stand-in for `registry` (its config and storage). */
export async function startHarborApi(registry: RegistryFixture, options: HarborApiOptions = {}): Promise<HarborApi> {
  const dir = await mkdtemp('/tmp/fieldbook-harbor-api-');
  const settings = {
    address: options.address ?? HARBOR_LAB_ADDRESS,
    port: options.port ?? 0,
    harborVersion: options.harborVersion ?? 'v2.11.1-6b7ecba1',
    username: options.username ?? 'admin',
    password: options.password ?? randomBytes(12).toString('base64url'),
    registryConfig: registry.config,
    registryBinary: REGISTRY_BINARY,
    queuedMs: options.queuedMs ?? 0,
    runDelayMs: options.runDelayMs ?? 0,
    ...(options.extraDeleteOnRealRun ? { extraDeleteOnRealRun: options.extraDeleteOnRealRun } : {}),
  };
  const file = join(dir, 'settings.json');
  await writeFile(file, JSON.stringify(settings), { mode: 0o600 });
  const child = spawn(process.execPath, [SERVER, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let url: string;
  try {
    url = await listening(child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
  return {
    url,
    username: settings.username,
    password: settings.password,
    harborVersion: settings.harborVersion,
    call: (path, { auth = true, headers, ...init } = {}) => fetch(`${url}${path}`, { ...init, headers: { ...(auth ? { authorization } : {}), ...(headers as Record<string, string>) } }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The URL the server prints once it listens; fails with its stderr if it exits first. */
function listening(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the Harbor stand-in did not listen within 10 s: ${stderr()}`)), 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the Harbor stand-in exited (${code}) before it listened: ${stderr()}`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      done((JSON.parse(line) as { url: string }).url);
    });
  });
}

export interface HarborLab {
  registry: RegistryFixture;
  pushed: Pushed;
  api: HarborApi;
  /** A scratch directory of the lab (the OCI layout pushed). */
  dir: string;
  stop(): Promise<void>;
}

/** A real registry (deleting enabled) with `images` pushed by skopeo, and the Harbor API stand-in in front of it. */
export async function startHarborLab(images: readonly TestImage[], options: HarborApiOptions & { registryOwner?: string } = {}): Promise<HarborLab> {
  requireRegistryTools();
  const registry = await startRegistryFixture(options.registryOwner ?? 'root', options.address ?? HARBOR_LAB_ADDRESS, { deleteEnabled: true });
  const dir = await mkdtemp('/tmp/fieldbook-harbor-lab-');
  try {
    const pushed = await pushImages(registry, images, join(dir, 'layout'));
    const api = await startHarborApi(registry, options);
    return {
      registry,
      pushed,
      api,
      dir,
      stop: async () => {
        try {
          await api.stop();
        } finally {
          await registry.remove();
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await registry.remove().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
