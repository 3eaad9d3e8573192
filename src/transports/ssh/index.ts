import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { TransportError } from '../../errors.js';
import type { ExecRequest, ExecResult, HostTarget, Target, Transport } from '../../schema/transport.js';
import type { SecretCache } from './auth.js';
import { openConnection } from './connection.js';
import { ConnectionPool } from './connection-pool.js';
import { execDetached, type DetachOptions, type ReconnectPolicy } from './detach.js';
import { execOnHost, type ExecContext } from './exec.js';
import { uploadFile } from './upload.js';
import type { SshTransportOptions } from './options.js';
import { endpointKey, loadSshConfig, resolveEndpoint, type Endpoint } from './ssh-config.js';

export type { DetachedOffsets, DetachOptions } from './detach.js';
export type { SecretRequest, SshTransportOptions, UnknownHostKey } from './options.js';

/** The SSH transport, plus what tests and diagnostics want to know about its connections. */
export interface SshTransport extends Transport {
  /** SSH connections opened so far (jump hops included); stays flat while connections are reused. */
  connectionsOpened(): number;
  /**
   * Runs a script detached on the host, following its output; survives a dropped connection (reconnect with
   * backoff) and, called again with the same key after a crash, reattaches instead of running it twice.
   */
  execDetached(request: ExecRequest, detach: DetachOptions): Promise<ExecResult>;
  /** Writes a small file (a helper script, a config) on the host over the same connection. @default mode 0644 */
  upload(host: HostTarget, path: string, content: Buffer | string, options?: { mode?: string }): Promise<void>;
  /** The host as it will be connected to: site values, then ~/.ssh/config, then defaults. */
  resolve(host: HostTarget): Promise<Endpoint>;
}

/** Runs commands on site hosts over SSH (ssh2), one warm connection per host, host keys checked strictly. */
export function createSshTransport(options: SshTransportOptions = {}): SshTransport {
  const homeDir = options.homeDir ?? homedir();
  const localUser = userInfo().username;
  const defaultUser = options.defaultUser ?? localUser;
  const cache: SecretCache = new Map();
  const agentSocket = options.agentSocket === null ? undefined : (options.agentSocket ?? process.env['SSH_AUTH_SOCK']);
  const settings = {
    knownHostsPath: options.knownHostsPath ?? join(homeDir, '.ssh', 'known_hosts'),
    hashKnownHosts: options.hashKnownHosts ?? false,
    ...(options.acceptedHostKeys ? { acceptedHostKeys: options.acceptedHostKeys } : {}),
    ...(options.acceptHostKey ? { acceptHostKey: options.acceptHostKey } : {}),
    auth: { agentSocket: agentSocket || undefined, askSecret: options.askSecret, homeDir, cache },
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: options.keepaliveCountMax ?? 3,
    readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
  };
  const pool = new ConnectionPool((endpoint, sock) => openConnection(endpoint, sock, settings), options.maxChannels ?? 8);
  const sshConfigPath = options.sshConfigPath === undefined ? join(homeDir, '.ssh', 'config') : options.sshConfigPath;
  let config: ReturnType<typeof loadSshConfig> | undefined;
  /** Every step on a host resolves it again: the answer cannot change during a run (the config is read once). */
  const endpoints = new Map<string, Endpoint>();

  const resolve = async (host: HostTarget): Promise<Endpoint> => {
    const key = JSON.stringify(host);
    const known = endpoints.get(key);
    if (known) return known;
    config ??= loadSshConfig(sshConfigPath);
    const endpoint = resolveEndpoint(host, { config: await config, homeDir, defaultUser, localUser });
    endpoints.set(key, endpoint);
    return endpoint;
  };

  const sudoPassword = (endpoint: Endpoint) => async (): Promise<string | undefined> => {
    const key = `sudo:${endpointKey(endpoint)}`;
    const cached = cache.get(key);
    if (typeof cached === 'string') return cached;
    const answer = await options.askSecret?.({
      kind: 'sudo-password',
      host: endpoint.name,
      user: endpoint.user,
      prompt: `[sudo] password for ${endpoint.user} on ${endpoint.name}:`,
    });
    if (answer !== undefined) cache.set(key, answer);
    return answer;
  };

  const contextFor = async (target: Target): Promise<ExecContext> => {
    if (target.kind !== 'host') {
      throw new TransportError('the SSH transport runs commands on site hosts only', {
        phase: 'exec',
        hint: 'run local steps with the local transport',
      });
    }
    const host = target.host;
    const endpoint = await resolve(host);
    return {
      pool,
      endpoint,
      killGraceMs: options.killGraceMs ?? 2_000,
      ...(host.become === 'sudo'
        ? {
            become: 'sudo' as const,
            ...(options.askSecret ? { sudoPassword: sudoPassword(endpoint) } : {}),
            forgetSudoPassword: () => cache.delete(`sudo:${endpointKey(endpoint)}`),
          }
        : {}),
    };
  };
  const reconnect: ReconnectPolicy = {
    budgetMs: options.reconnect?.budgetMs ?? 120_000,
    initialDelayMs: options.reconnect?.initialDelayMs ?? 500,
    maxDelayMs: options.reconnect?.maxDelayMs ?? 8_000,
  };

  return {
    exec: async (request) => execOnHost(request, await contextFor(request.target)),
    execDetached: async (request, detach) => execDetached(request, detach, await contextFor(request.target), reconnect),
    upload: async (host, path, content, uploadOptions = {}) => {
      await uploadFile(host, path, content, uploadOptions.mode ?? '0644', await contextFor({ kind: 'host', host }));
    },
    close: () => pool.close(),
    connectionsOpened: () => pool.opened,
    resolve,
  };
}
