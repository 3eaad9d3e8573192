/** What the SSH transport may ask the operator (or a secret source) for. */
export interface SecretRequest {
  kind: 'password' | 'passphrase' | 'sudo-password';
  /** Site host name the secret is for. */
  host: string;
  user: string;
  /** The encrypted identity file, for `passphrase`. */
  keyFile?: string;
  /** One line to show a person, e.g. `Password for admin@10.0.0.5:`. */
  prompt: string;
}

/** A host key that is not in known_hosts yet: accept it only after checking the fingerprint. */
export interface UnknownHostKey {
  /** Site host name. */
  host: string;
  address: string;
  port: number;
  /** Name the key will be recorded under: `address` or `[address]:port`. */
  knownHostsName: string;
  keyType: string;
  /** `SHA256:...` */
  fingerprint: string;
}

export interface SshTransportOptions {
  /**
   * known_hosts file checked before every connection and appended to when a key is accepted.
   * @default `<homeDir>/.ssh/known_hosts`
   */
  knownHostsPath?: string;
  /** Write accepted keys hashed (`|1|salt|hash`), as `HashKnownHosts yes` does. @default false */
  hashKnownHosts?: boolean;
  /** Host keys accepted up front (`--accept-host-key cp1=SHA256:...`): site host name or address → fingerprint. */
  acceptedHostKeys?: Readonly<Record<string, string>>;
  /** Asked about a host key that is not in known_hosts (a UI prompt); `true` accepts and records it. */
  acceptHostKey?: (key: UnknownHostKey) => boolean | Promise<boolean>;
  /**
   * OpenSSH client config honoured for HostName, User, Port, IdentityFile, ProxyJump; `null` to ignore.
   * @default `<homeDir>/.ssh/config`
   */
  sshConfigPath?: string | null;
  /** Home directory for `~` and the default identity files. @default os.homedir() */
  homeDir?: string;
  /** Login user when neither the site nor ssh config names one. @default the local OS user */
  defaultUser?: string;
  /** ssh-agent socket; `null` disables the agent. @default process.env.SSH_AUTH_SOCK */
  agentSocket?: string | null;
  /** Source of passwords, key passphrases and sudo passwords; `undefined` means "none, skip it". */
  askSecret?: (request: SecretRequest) => Promise<string | undefined>;
  /** Concurrent channels per connection; keep it below the server's MaxSessions (OpenSSH: 10). @default 8 */
  maxChannels?: number;
  /** @default 15000 */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as dead. @default 3 */
  keepaliveCountMax?: number;
  /** Time allowed for TCP connect, handshake and authentication. @default 20000 */
  readyTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL when a command times out or is cancelled. @default 2000 */
  killGraceMs?: number;
  /**
   * How a detached step reattaches after the connection dropped: exponential backoff from `initialDelayMs`
   * up to `maxDelayMs`, giving up after `budgetMs`. @default { budgetMs: 120000, initialDelayMs: 500, maxDelayMs: 8000 }
   */
  reconnect?: { budgetMs?: number; initialDelayMs?: number; maxDelayMs?: number };
}
