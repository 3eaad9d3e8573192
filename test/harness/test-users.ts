import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Logs in over SSH; sudo asks for its password (the lab's `password`). */
export const TEST_USER = 'fieldbook-test';
/** Logs in over SSH; sudo never asks for a password. */
export const TEST_USER_NOPASSWD = 'fieldbook-test-nopw';

export const SSHD_PATH = '/usr/sbin/sshd';
const SSH_KEYGEN_PATH = '/usr/bin/ssh-keygen';
const SUDO_PATH = '/usr/bin/sudo';
/** Root-only state shared by every lab on this machine: the test users' random password. */
const STATE_DIR = '/var/lib/fieldbook-test';
const PASSWORD_FILE = `${STATE_DIR}/password`;
const SUDOERS_FILE = '/etc/sudoers.d/fieldbook-test';
const LOCK_DIR = '/tmp/fieldbook-test-provision.lock';

const SUDOERS = [
  '# Written by the fieldbook test harness (test/harness/test-users.ts).',
  `Defaults:${TEST_USER} timestamp_timeout=0, !lecture, passwd_tries=1`,
  `Defaults:${TEST_USER_NOPASSWD} !lecture`,
  `${TEST_USER} ALL=(ALL:ALL) ALL`,
  `${TEST_USER_NOPASSWD} ALL=(ALL:ALL) NOPASSWD: ALL`,
  '',
].join('\n');

export interface TestUsers {
  user: string;
  nopasswdUser: string;
  /** The password of both users: random per machine, readable by root only. */
  password: string;
}

let provisioned: Promise<TestUsers> | undefined;

/**
 * Makes sure the SSH lab can run on this machine: OpenSSH server and sudo installed, the two test users
 * created (idempotent, safe across parallel vitest workers), their password and sudoers rules in place.
 * Throws with what to install when something is missing: the SSH tests never skip.
 */
export function ensureTestUsers(): Promise<TestUsers> {
  provisioned ??= provision();
  return provisioned;
}

async function provision(): Promise<TestUsers> {
  requireTools();
  return withLock(async () => {
    await mkdir(STATE_DIR, { recursive: true, mode: 0o700 });
    let password = existsSync(PASSWORD_FILE) ? (await readFile(PASSWORD_FILE, 'utf8')).trim() : '';
    if (!password) {
      password = randomBytes(18).toString('base64url');
      await writeFile(PASSWORD_FILE, `${password}\n`, { mode: 0o600 });
    }
    for (const user of [TEST_USER, TEST_USER_NOPASSWD]) await ensureUser(user);
    await runInput('chpasswd', [], `${TEST_USER}:${password}\n${TEST_USER_NOPASSWD}:${password}\n`);
    await writeSudoers();
    // sshd running as root insists on its privilege-separation directory.
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    return { user: TEST_USER, nopasswdUser: TEST_USER_NOPASSWD, password };
  });
}

/** Where the lab expects its tools; injectable so the "missing sshd" error can be tested. */
export const LAB_TOOLS = { sshd: SSHD_PATH, sshKeygen: SSH_KEYGEN_PATH, sudo: SUDO_PATH };

/** Throws a clear error (what to install, or to run as root) unless the lab can run here. */
export function requireTools(tools = LAB_TOOLS): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'The SSH test lab must run as root: it creates the users fieldbook-test and fieldbook-test-nopw, ' +
        'writes /etc/sudoers.d/fieldbook-test and starts sshd. Run the SSH tests as root (CI runs them in a container).',
    );
  }
  const missing = [
    [tools.sshd, 'openssh-server'],
    [tools.sshKeygen, 'openssh-client'],
    [tools.sudo, 'sudo'],
  ].filter(([path]) => !existsSync(path!));
  if (missing.length > 0) {
    const what = missing.map(([path, pkg]) => `${path} (package ${pkg})`).join(', ');
    const pkgs = missing.map(([, pkg]) => pkg).join(' ');
    throw new Error(`The SSH test lab needs ${what}: install with \`apt-get install -y ${pkgs}\`.`);
  }
}

async function ensureUser(user: string): Promise<void> {
  try {
    await run('id', ['-u', user]);
    return;
  } catch {
    // not there yet
  }
  try {
    await run('useradd', ['-m', '-s', '/bin/bash', user]);
  } catch (error) {
    // 9: the user exists (created by someone else in the meantime).
    if ((error as { code?: unknown }).code !== 9) throw error;
  }
}

async function writeSudoers(): Promise<void> {
  const current = existsSync(SUDOERS_FILE) ? await readFile(SUDOERS_FILE, 'utf8') : '';
  if (current === SUDOERS) return;
  const staged = `${SUDOERS_FILE}.tmp`;
  await writeFile(staged, SUDOERS, { mode: 0o440 });
  await run('visudo', ['-cq', '-f', staged]);
  await run('mv', [staged, SUDOERS_FILE]);
}

function runInput(file: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, (error) => (error ? reject(error) : resolve()));
    child.stdin?.end(input);
  });
}

/** A machine-wide lock (mkdir is atomic), so parallel vitest workers provision one at a time. */
async function withLock<T>(body: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(LOCK_DIR).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 60_000) await rm(LOCK_DIR, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_DIR}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await body();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}
