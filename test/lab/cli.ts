// `npm run lab:up` / `npm run lab:down` (and `status`): start the lab daemon detached and wait until the lab is
// ready, or stop it and remove its state directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { commandName, descendants, signalAll } from '../harness/process-tree.js';
import type { LabState } from './lab.js';
import { checkSettings, DEFAULT_SETTINGS, labPaths, MINIO_POD, type LabSettings } from './settings.js';

const USAGE = `usage: lab up|down|status [--state-dir DIR] [--addresses A1,A2,A3] [--ssh-port N] [--registry-port N]
                        [--platform-port N] [--violet-delay S] [--upload-delay S] [--keep]
                        [--missing-package NAME@VERSION]... [--wrong-package-version NAME@VERSION=OTHER]...
  up      start the lab (defaults: /tmp/fieldbook-lab, 127.0.0.11-13, sshd port 2222, registry port 11440)
  down    stop it and remove its state directory (--keep keeps it)
  status  say whether it runs and where
  --missing-package logcenter@v3.16.4          that package is not in the installer's plugins directory
  --wrong-package-version logcenter@v3.18.2=v3.18.0
                                               that package is there at v3.18.0 (file name, VERSION, images)`;

const OPTIONS = {
  allowPositionals: true,
  options: {
    help: { type: 'boolean', default: false },
    'state-dir': { type: 'string' },
    addresses: { type: 'string' },
    'ssh-port': { type: 'string' },
    'registry-port': { type: 'string' },
    'platform-port': { type: 'string' },
    'violet-delay': { type: 'string' },
    'upload-delay': { type: 'string' },
    'missing-package': { type: 'string', multiple: true },
    'wrong-package-version': { type: 'string', multiple: true },
    keep: { type: 'boolean', default: false },
  },
} as const;

const { positionals, values } = parseArguments();

const settings: LabSettings = {
  stateDir: values['state-dir'] ?? DEFAULT_SETTINGS.stateDir,
  addresses: (values.addresses?.split(',') as LabSettings['addresses'] | undefined) ?? DEFAULT_SETTINGS.addresses,
  sshPort: Number(values['ssh-port'] ?? DEFAULT_SETTINGS.sshPort),
  registryPort: Number(values['registry-port'] ?? DEFAULT_SETTINGS.registryPort),
  platformPort: Number(values['platform-port'] ?? DEFAULT_SETTINGS.platformPort),
  violetDelay: Number(values['violet-delay'] ?? DEFAULT_SETTINGS.violetDelay),
  uploadDelay: Number(values['upload-delay'] ?? DEFAULT_SETTINGS.uploadDelay),
  missingPackages: values['missing-package'] ?? DEFAULT_SETTINGS.missingPackages,
  wrongPackageVersions: Object.fromEntries((values['wrong-package-version'] ?? []).map(wrongVersion)),
};
const paths = labPaths(settings.stateDir);

switch (values.help ? 'help' : positionals[0]) {
  case 'up':
    process.exitCode = await up();
    break;
  case 'down':
    process.exitCode = await down();
    break;
  case 'status':
    process.exitCode = status();
    break;
  case 'help':
    process.stdout.write(`${USAGE}\n`);
    break;
  default:
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
}

/** `NAME@VERSION=OTHER` → [`NAME@VERSION`, `OTHER`]; the usage for anything else. */
function wrongVersion(value: string): [string, string] {
  const m = /^([^@=\s]+@[^@=\s]+)=([^@=\s]+)$/.exec(value);
  if (!m) {
    process.stderr.write(`--wrong-package-version: expected NAME@VERSION=OTHER (logcenter@v3.18.2=v3.18.0), found "${value}"\n${USAGE}\n`);
    process.exit(2);
  }
  return [m[1]!, m[2]!];
}

/** parseArgs, with the usage instead of a stack trace for an unknown option. */
function parseArguments() {
  try {
    return parseArgs(OPTIONS);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

async function up(): Promise<number> {
  try {
    checkSettings(settings);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const running = readState();
  if (running && alive(running.daemonPid)) {
    process.stdout.write(`the lab in ${settings.stateDir} is already up (daemon pid ${running.daemonPid})\n${summary(running)}`);
    return 0;
  }
  if (running) killLeftovers(running);
  rmSync(settings.stateDir, { recursive: true, force: true });
  mkdirSync(settings.stateDir, { recursive: true, mode: 0o755 });
  const out = openSync(paths.daemonLog, 'a');
  const daemon = spawn(process.execPath, [new URL('daemon.js', import.meta.url).pathname, JSON.stringify(settings)], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  daemon.unref();
  const started = Date.now();
  for (;;) {
    if (existsSync(paths.ready)) break;
    if (existsSync(paths.failed) || !alive(daemon.pid!)) {
      process.stderr.write(`the lab did not come up; its log (${paths.daemonLog}):\n${readFileSync(paths.daemonLog, 'utf8')}`);
      return 1;
    }
    if (Date.now() - started > 180_000) {
      process.stderr.write(`the lab is not up after 180 s; see ${paths.daemonLog}\n`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const state = readState()!;
  process.stdout.write(`lab up in ${((Date.now() - started) / 1000).toFixed(1)} s (daemon pid ${state.daemonPid})\n${summary(state)}`);
  return 0;
}

async function down(): Promise<number> {
  const state = readState();
  if (!state) {
    process.stdout.write(`no lab in ${settings.stateDir}\n`);
    if (!values.keep) rmSync(settings.stateDir, { recursive: true, force: true });
    return 0;
  }
  if (alive(state.daemonPid)) {
    process.kill(state.daemonPid, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (alive(state.daemonPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  killLeftovers(state);
  if (!values.keep) rmSync(settings.stateDir, { recursive: true, force: true });
  process.stdout.write(`lab in ${settings.stateDir} is down\n`);
  return 0;
}

function status(): number {
  const state = readState();
  if (!state || !alive(state.daemonPid)) {
    process.stdout.write(`no lab running in ${settings.stateDir}\n`);
    return 1;
  }
  process.stdout.write(`up since ${state.startedAt} (daemon pid ${state.daemonPid})\n${summary(state)}`);
  return 0;
}

function summary(state: LabState): string {
  const [cp1, cp2, cp3] = state.settings.addresses;
  return [
    `  hosts     cp1 ${cp1}, cp2 ${cp2}, cp3 ${cp3} (sshd port ${state.settings.sshPort}, user fieldbook-test)`,
    `  registry  ${state.registry} (storage: cp1's /cpaas/minio/registry)`,
    `  kube API  ${state.kubeApi} (registry MinIO pod ${MINIO_POD.namespace}/${MINIO_POD.name})`,
    ...packageFaults(state.settings),
    `  site      ${state.site}`,
    `  secrets   . ${state.secretsEnv}`,
    `  try       . ${state.secretsEnv} && node bin/fieldbook.js run acp-registry-full-wipe --site ${state.site}`,
    '',
  ].join('\n');
}

/** The package faults a lab was started with, one summary line each. */
function packageFaults(settings: LabSettings): string[] {
  return [
    ...(settings.missingPackages ?? []).map((key) => `  package   ${key} is missing from /cpaas/installer/plugins`),
    ...Object.entries(settings.wrongPackageVersions ?? {}).map(([key, version]) => `  package   ${key} is there at ${version}`),
  ];
}

function readState(): LabState | undefined {
  try {
    return JSON.parse(readFileSync(paths.state, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** After a daemon that died without cleaning up: the lab's processes and everything under them. */
function killLeftovers(state: LabState): void {
  const roots = [...Object.values(state.pids.hosts), state.pids.kube, state.pids.registry].filter(alive);
  // Listeners whose parent died were reparented: kill those recorded at start that are still sshd.
  const orphans = state.pids.under.filter((pid) => alive(pid) && commandName(pid) === 'sshd');
  signalAll([...roots.flatMap((pid) => descendants(pid)), ...roots, ...orphans], 'SIGKILL');
  for (const dir of state.tempDirs) if (/^fieldbook-(sshd|kube)-/.test(basename(dir))) rmSync(dir, { recursive: true, force: true });
}

/** A live process; a zombie (exited, not yet reaped by an init that may never reap it) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
