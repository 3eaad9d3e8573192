import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile, appendFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from './tmp.js';
import { commandName, descendants, signalAll } from './process-tree.js';
import { SSHD_PATH, ensureTestUsers } from './test-users.js';

const run = promisify(execFile);

export interface SshdOptions {
  /** Loopback address to listen on; must be 127.0.0.x. @default a fresh 127.0.0.x for each lab */
  address?: string;
  /** Accept password logins (the lab's `password`). @default false */
  passwordAuthentication?: boolean;
  /** sshd's MaxSessions: channels per connection. @default 10 (the OpenSSH default) */
  maxSessions?: number;
  /** Allow TCP forwarding, so this sshd can act as a jump host. @default false */
  jumpHost?: boolean;
  /** @default 'ed25519' */
  hostKeyType?: 'ed25519' | 'ecdsa' | 'rsa';
  /** Extra sshd_config lines; they come first, so they override the lab's defaults. */
  extraConfig?: readonly string[];
}

/** A running OpenSSH server on loopback with its own host key, test users and an authorized client key. */
export interface SshdLab {
  host: string;
  port: number;
  /** Logs in with `identityFile` (or `password`); sudo asks for `password`. */
  user: string;
  /** Logs in the same ways; sudo needs no password. */
  nopasswdUser: string;
  /** Password of both users (accepted over SSH only with `passwordAuthentication`). */
  password: string;
  /** Unencrypted ed25519 private key authorized for both users. */
  identityFile: string;
  /** `[host]:port <type> <base64>`, ready for a known_hosts file. */
  knownHostsLine: string;
  /** `SHA256:...` of the host key, as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** Temp dir of this lab (config, keys); removed by `stop()`. */
  dir: string;
  /** Everything sshd wrote to stderr so far (LogLevel VERBOSE), across restarts. */
  log(): string;
  /** How many TCP connections sshd accepted so far. */
  connectionCount(): number;
  /** Authorizes one more public key line (`ssh-ed25519 AAAA... comment`) for both users. */
  authorizeKey(publicKeyLine: string): Promise<void>;
  /** SIGKILLs every per-connection sshd process and the sessions under it; the listener stays up. */
  dropConnections(): void;
  /** SIGSTOPs every per-connection sshd process: a peer that silently stops answering. Returns the thaw. */
  freezeConnections(): () => void;
  /** SIGKILLs sshd and everything under it, like a crashed host; `start()` brings it back. */
  kill(): Promise<void>;
  /** Starts sshd again on the same address, port and host key after `kill()`. */
  start(): Promise<void>;
  /** Stops sshd and its sessions, awaits their exit and removes the temp dir. */
  stop(): Promise<void>;
}

let labCounter = 0;

/** Starts a real OpenSSH sshd in the foreground on 127.0.0.x and a free port. */
export async function startSshd(options: SshdOptions = {}): Promise<SshdLab> {
  const users = await ensureTestUsers();
  const address = options.address ?? nextAddress();
  if (!/^127\.0\.0\.(\d{1,3})$/.test(address)) throw new Error(`the SSH lab listens on 127.0.0.x only, not ${address}`);

  const temp = makeTempDir('fieldbook-sshd-');
  const dir = temp.path;
  try {
    // The dir is root's; sshd reads authorized_keys as the user, so that one path must be traversable.
    await chmod(dir, 0o711);
    await mkdir(join(dir, 'auth'), { mode: 0o755 });
    await mkdir(join(dir, 'client'), { mode: 0o700 });
    const keyType = options.hostKeyType ?? 'ed25519';
    const hostKey = join(dir, `ssh_host_${keyType}_key`);
    const identityFile = join(dir, 'client', 'id_ed25519');
    await Promise.all([keygen(keyType, hostKey), keygen('ed25519', identityFile)]);
    const authorizedKeys = join(dir, 'auth', 'authorized_keys');
    await writeFile(authorizedKeys, await readFile(`${identityFile}.pub`, 'utf8'), { mode: 0o644 });
    const [hostKeyAlgo = '', hostKeyBase64 = ''] = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/);

    const server = new SshdProcess(dir, address);
    await server.startOnFreePort((port) => sshdConfig({ ...options, address, port, hostKey, authorizedKeys, users }));
    const port = server.port;
    return {
      host: address,
      port,
      user: users.user,
      nopasswdUser: users.nopasswdUser,
      password: users.password,
      identityFile,
      knownHostsLine: `[${address}]:${port} ${hostKeyAlgo} ${hostKeyBase64}`,
      hostKeyFingerprint: fingerprint(hostKeyBase64),
      dir,
      log: () => server.logText,
      connectionCount: () => server.logText.match(/^Connection from /gm)?.length ?? 0,
      authorizeKey: (line) => appendFile(authorizedKeys, `${line.trim()}\n`),
      dropConnections: () => server.signalConnections('SIGKILL', { withSessions: true }),
      freezeConnections: () => {
        const frozen = server.signalConnections('SIGSTOP');
        return () => signalAll(frozen, 'SIGCONT');
      },
      kill: () => server.kill(),
      start: () => server.start(),
      stop: async () => {
        await server.stop();
        temp.remove();
      },
    };
  } catch (error) {
    temp.remove();
    throw error;
  }
}

/** OpenSSH's `SHA256:<base64 without padding>` fingerprint of a base64 public key blob. */
export function fingerprint(keyBase64: string): string {
  const digest = createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** Generates an unencrypted key pair (or one protected by `passphrase`) with ssh-keygen. */
export async function keygen(type: 'ed25519' | 'ecdsa' | 'rsa', path: string, passphrase = ''): Promise<void> {
  const bits = type === 'rsa' ? ['-b', '3072'] : [];
  await run('ssh-keygen', ['-q', '-t', type, ...bits, '-N', passphrase, '-C', 'fieldbook-test', '-f', path]);
}

function nextAddress(): string {
  // Spread labs over 127.0.0.2-251 so parallel workers rarely share an address (sharing is harmless).
  const x = 2 + ((process.pid * 7 + labCounter++) % 250);
  return `127.0.0.${x}`;
}

interface ConfigInput extends SshdOptions {
  address: string;
  port: number;
  hostKey: string;
  authorizedKeys: string;
  users: { user: string; nopasswdUser: string };
}

function sshdConfig(input: ConfigInput): string {
  return [
    // sshd keeps the first value it reads for most keywords, so the extra lines come first to override.
    ...(input.extraConfig ?? []),
    `ListenAddress ${input.address}`,
    `Port ${input.port}`,
    'AddressFamily inet',
    `HostKey ${input.hostKey}`,
    'PidFile none',
    'UsePAM no',
    // The lab lives under /tmp (mode 1777), which StrictModes rejects as a path to authorized_keys.
    'StrictModes no',
    'PermitRootLogin no',
    `AllowUsers ${input.users.user} ${input.users.nopasswdUser}`,
    `AuthorizedKeysFile ${input.authorizedKeys}`,
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${input.passwordAuthentication ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PermitEmptyPasswords no',
    `MaxSessions ${input.maxSessions ?? 10}`,
    'MaxStartups 100:30:200',
    `AllowTcpForwarding ${input.jumpHost ? 'yes' : 'no'}`,
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    'LogLevel VERBOSE',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

/** One sshd listener process: start, wait until it listens, stop, kill with its whole process tree. */
class SshdProcess {
  logText = '';
  port = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly configPath: string;

  constructor(
    dir: string,
    private readonly address: string,
  ) {
    this.configPath = join(dir, 'sshd_config');
  }

  async startOnFreePort(config: (port: number) => string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort(this.address);
      await writeFile(this.configPath, config(this.port), { mode: 0o600 });
      try {
        await this.start();
        return;
      } catch (error) {
        // Someone took the port between our probe and sshd's bind: try another one.
        if (attempt >= 5 || !/Address already in use/.test(String(error))) throw error;
      }
    }
  }

  start(): Promise<void> {
    const child = spawn(SSHD_PATH, ['-D', '-e', '-f', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    const startOffset = this.logText.length;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('sshd did not start listening within 10 s')), 10_000);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(error);
      };
      child.once('error', (error) => fail(new Error(`cannot start ${SSHD_PATH}: ${error.message}`)));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`sshd exited (${code ?? signal}) before listening:\n${this.logText.slice(startOffset)}`));
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (text: string) => {
        this.logText += text;
        if (this.logText.includes(`Server listening on ${this.address} port ${this.port}.`, startOffset)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  /** Signals the per-connection sshd processes (and, `withSessions`, the user's processes under them). */
  signalConnections(signal: NodeJS.Signals, options: { withSessions?: boolean } = {}): number[] {
    const pid = this.child?.pid;
    if (pid === undefined) return [];
    const all = descendants(pid);
    const targets = options.withSessions ? all : all.filter((p) => commandName(p) === 'sshd');
    signalAll(targets, signal);
    return targets;
  }

  async kill(): Promise<void> {
    await this.signalTree('SIGKILL');
  }

  async stop(): Promise<void> {
    const timer = setTimeout(() => void this.signalTree('SIGKILL'), 5_000);
    await this.signalTree('SIGTERM');
    clearTimeout(timer);
  }

  private async signalTree(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    // Per-connection sshd processes call setsid(), so a process-group kill would miss them: walk /proc.
    signalAll([child.pid, ...descendants(child.pid)], signal);
    await this.exited;
  }
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
      server.close(() => resolve(port));
    });
  });
}
