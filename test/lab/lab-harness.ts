// Test side of the lab: compile it, bring it up and down through its CLI (what `npm run lab:up` runs), look at
// the registry as a client would, and drive fieldbook with SIGKILLs at chosen points of its journal.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { JournalEvent } from '../../src/journal/events.js';
import { CLI, REPO } from '../harness/cli.js';
import type { LabState } from './lab.js';
import { labPaths, type LabPaths, type LabSettings } from './settings.js';

const run = promisify(execFile);
const LAB_CLI = join(REPO, 'dist-test', 'test', 'lab', 'cli.js');

let compiled: Promise<void> | undefined;

/** Compiles the lab (tsconfig.lab.json → dist-test/), once per test process, as `npm run lab:up` does. */
export function compileLab(): Promise<void> {
  compiled ??= run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.lab.json')]).then(
    () => undefined,
    (error: { stdout?: string }) => {
      throw new Error(`tsc -p tsconfig.lab.json failed:\n${error.stdout ?? String(error)}`);
    },
  );
  return compiled;
}

/** A lab started for a test, in its own state directory. */
export interface TestLab {
  paths: LabPaths;
  state: LabState;
  /** FIELDBOOK_SECRET_* for the runbook's secrets (from the lab's secrets.env). */
  secretEnv: Record<string, string>;
  /** The registry as the lab's clients see it. */
  registry: RegistryClient;
  down(): Promise<void>;
}

/** `lab up` in a fresh state directory under /tmp. */
export async function labUp(settings: Partial<Omit<LabSettings, 'stateDir'>>): Promise<TestLab> {
  await compileLab();
  const stateDir = mkdtempSync(join(tmpdir(), 'fieldbook-lab-e2e-'));
  const args = ['up', '--state-dir', stateDir];
  if (settings.addresses) args.push('--addresses', settings.addresses.join(','));
  const flags: [Exclude<keyof LabSettings, 'stateDir' | 'addresses' | 'missingPackages' | 'wrongPackageVersions'>, string][] = [
    ['sshPort', '--ssh-port'],
    ['registryPort', '--registry-port'],
    ['platformPort', '--platform-port'],
    ['violetDelay', '--violet-delay'],
    ['uploadDelay', '--upload-delay'],
  ];
  for (const [key, flag] of flags) if (settings[key] !== undefined) args.push(flag, String(settings[key]));
  for (const key of settings.missingPackages ?? []) args.push('--missing-package', key);
  for (const [key, version] of Object.entries(settings.wrongPackageVersions ?? {})) args.push('--wrong-package-version', `${key}=${version}`);
  const down = async () => {
    await run(process.execPath, [LAB_CLI, 'down', '--state-dir', stateDir]).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await run(process.execPath, [LAB_CLI, ...args], { timeout: 120_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    await down();
    throw new Error(`lab up failed:\n${stdout}${stderr}`);
  }
  const paths = labPaths(stateDir);
  const state = JSON.parse(readFileSync(paths.state, 'utf8')) as LabState;
  const secretEnv = Object.fromEntries(
    [...readFileSync(paths.secretsEnv, 'utf8').matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  return { paths, state, secretEnv, registry: registryClient(paths, state.registry), down };
}

/** What a client of the lab registry can find out. */
export interface RegistryClient {
  address: string;
  /** Repositories the registry lists (`/v2/_catalog`). */
  catalog(): Promise<string[]>;
  /** HTTP status of GET of the image's manifest: 200 when it is there, 404 when not. */
  manifestStatus(ref: string): Promise<number>;
  /** A real pull with skopeo (manifest, config and every layer) into a throwaway OCI layout. */
  pulls(ref: string): Promise<boolean>;
  /** Manifest PUTs (pushes) per `repo:tag` in the registry's access log, after `fromByte`. */
  pushes(fromByte?: number): Map<string, number>;
  /** Write requests (POST, PUT, PATCH, DELETE) in the registry's access log after `fromByte`. */
  writes(fromByte?: number): number;
  /** Size of the registry's log now (a mark for `pushes`). */
  logSize(): number;
}

function registryClient(paths: LabPaths, address: string): RegistryClient {
  const auth = (JSON.parse(readFileSync(paths.authFile, 'utf8')) as { auths: Record<string, { auth: string }> }).auths[address]!.auth;
  const headers = { Authorization: `Basic ${auth}` };
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  return {
    address,
    catalog: async () => ((await (await fetch(`http://${address}/v2/_catalog`, { headers })).json()) as { repositories: string[] }).repositories,
    manifestStatus: async (ref) => {
      const [repo, tag] = splitRef(ref);
      return (await fetch(`http://${address}/v2/${repo}/manifests/${tag}`, { headers: { ...headers, Accept: accept } })).status;
    },
    pulls: async (ref) => {
      const dir = mkdtempSync(join(tmpdir(), 'fieldbook-lab-pull-'));
      try {
        await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', '--src-authfile', paths.authFile, `docker://${address}/${ref}`, `oci:${dir}:pulled`]);
        return true;
      } catch {
        return false;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    pushes: (fromByte = 0) => {
      const text = readFileSync(paths.registryLog).subarray(fromByte).toString('utf8');
      const counts = new Map<string, number>();
      for (const m of text.matchAll(/"PUT \/v2\/(.+?)\/manifests\/([^ ?]+) HTTP\/1\.1" 201 /g)) {
        const ref = `${m[1]}:${m[2]}`;
        counts.set(ref, (counts.get(ref) ?? 0) + 1);
      }
      return counts;
    },
    writes: (fromByte = 0) => {
      const text = readFileSync(paths.registryLog).subarray(fromByte).toString('utf8');
      return [...text.matchAll(/"(POST|PUT|PATCH|DELETE) \/v2\//g)].length;
    },
    logSize: () => statSync(paths.registryLog).size,
  };
}

function splitRef(ref: string): [string, string] {
  const cut = ref.lastIndexOf(':');
  return [ref.slice(0, cut), ref.slice(cut + 1)];
}

/** What the stand-ins did, one line each without the timestamp (`violet push logcenter v3.18.2 (token)`). */
export function standInActions(paths: LabPaths): string[] {
  return readFileSync(paths.actionsLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf(' ') + 1));
}

/** Every file and directory under `dir`: relative path → sha256 of the content (or `dir`). */
export function treeDigest(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) {
        out.set(relative(dir, full), 'dir');
        walk(full);
      } else {
        out.set(relative(dir, full), createHash('sha256').update(readFileSync(full)).digest('hex'));
      }
    }
  };
  walk(dir);
  return out;
}

/** Bytes of the regular files under `dir`. */
export function fileBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Extracts a tar archive (with the system tar) into a fresh temp directory and returns it. */
export async function extract(archive: string): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-lab-restore-'));
  await run('tar', ['-xf', archive, '-C', dir]);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The run's journal, parsed. */
export function journal(home: string, runId: string): JournalEvent[] {
  const path = join(home, 'runs', runId, 'journal.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as JournalEvent);
}

export interface FieldbookRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when `killWhen` fired and the test SIGKILLed fieldbook. */
  killed: boolean;
  ms: number;
}

/** Runs `fieldbook <args>` with FIELDBOOK_HOME=home; SIGKILLs it as soon as `killWhen(journal)` holds. */
export function fieldbook(
  args: string[],
  options: { home: string; runId: string; env?: Record<string, string>; killWhen?: (events: JournalEvent[]) => boolean; timeoutMs?: number },
): Promise<FieldbookRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.home,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: options.home, FIELDBOOK_HOME: options.home, LANG: 'C.UTF-8', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const { killWhen } = options;
    const poll = killWhen
      ? setInterval(() => {
          if (!killWhen(journal(options.home, options.runId))) return;
          clearInterval(poll);
          killed = child.kill('SIGKILL');
        }, 10)
      : undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, killed, ms: performance.now() - started });
    });
  });
}

type EventOf<T extends JournalEvent['type']> = Extract<JournalEvent, { type: T }>;

/** Unit events of one step (`unit-started` or `unit-finished`), in journal order. */
export function unitEvents<T extends 'unit-started' | 'unit-finished'>(events: JournalEvent[], step: string, type: T): EventOf<T>[] {
  return events.filter((e): e is EventOf<T> => e.type === type && (e as { unit: { step: string } }).unit.step === step);
}

/** Polls `check` every 10 ms until it returns true or `ms` pass. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Live processes whose command line contains `text` (the lab's hosts share this machine's process table). */
export function processesMatching(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}
