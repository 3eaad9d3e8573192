import { readFile } from 'node:fs/promises';
import SSHConfig from 'ssh-config';
import { TransportError } from '../../errors.js';
import type { HostTarget } from '../../schema/transport.js';

/** A host fully resolved for connecting: site values first, then ~/.ssh/config, then defaults. */
export interface Endpoint {
  /** Site host name (or the ProxyJump spelling), for messages and secret prompts. */
  name: string;
  /** What the TCP connection goes to (ssh config HostName applied). */
  address: string;
  port: number;
  user: string;
  /** Identity files to try in order, `~` and `%` tokens expanded; empty means the defaults in `~/.ssh`. */
  identityFiles: string[];
  /** The hop this host is reached through, if any (which may have its own). */
  via?: Endpoint;
}

export interface ResolveContext {
  config?: SSHConfig;
  homeDir: string;
  defaultUser: string;
  /** This machine's user, for `%u` (looked up once: each lookup reads /etc/passwd). @default defaultUser */
  localUser?: string;
}

const MAX_HOPS = 8;

/** Parses the OpenSSH client config at `path`; a missing file is an empty config. */
export async function loadSshConfig(path: string | null): Promise<SSHConfig | undefined> {
  if (path === null) return undefined;
  try {
    return SSHConfig.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TransportError(`cannot read ssh config ${path}: ${(error as Error).message}`, {
      hint: 'fix or remove the file',
    });
  }
}

/** Resolves a site host (and its jump chain) the way `ssh <address>` would, with the site winning over config. */
export function resolveEndpoint(target: HostTarget, context: ResolveContext, depth = 0): Endpoint {
  if (depth > MAX_HOPS) {
    throw new TransportError(`jump chain to ${target.name} is longer than ${MAX_HOPS} hops (a ProxyJump loop?)`, {
      host: target.name,
      phase: 'connect',
      hint: 'check ProxyJump in ~/.ssh/config and ssh.jump in the site file',
    });
  }
  // matchExec: false: reading the config never runs a command (`Match exec` is treated as not matching).
  const computed = context.config?.compute(target.address, { ignoreCase: true, matchExec: false }) ?? {};
  const single = (key: string): string | undefined => {
    const value = computed[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const address = single('hostname') ?? target.address;
  const port = target.port ?? numberOrUndefined(single('port')) ?? 22;
  const user = target.user ?? single('user') ?? context.defaultUser;
  const configured = computed['identityfile'];
  const identityFiles = [
    ...(target.identityFile ? [target.identityFile] : []),
    ...(Array.isArray(configured) ? configured : configured ? [configured] : []),
  ].map((file) => expandPath(file, { homeDir: context.homeDir, user, host: address, port, localUser: context.localUser ?? context.defaultUser }));

  let hops: HostTarget[] = target.jump ?? [];
  if (hops.length === 0) hops = parseProxyJump(single('proxyjump'));
  const last = hops[hops.length - 1];
  const via = last ? resolveEndpoint({ ...last, jump: hops.slice(0, -1) }, context, depth + 1) : undefined;
  return { name: target.name, address, port, user, identityFiles, ...(via ? { via } : {}) };
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma-separated; `none` means no jump. */
export function parseProxyJump(value: string | undefined): HostTarget[] {
  if (value === undefined || value.trim() === '' || value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((spec) => {
    const match = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:@[\]]+)(?::(\d+))?$/.exec(spec.trim());
    if (!match?.[2]) {
      throw new TransportError(`cannot parse ProxyJump entry "${spec}"`, {
        phase: 'connect',
        hint: 'use [user@]host[:port], comma-separated',
      });
    }
    const address = match[2].replace(/^\[|\]$/g, '');
    return {
      name: address,
      address,
      ...(match[1] ? { user: match[1] } : {}),
      ...(match[3] ? { port: Number(match[3]) } : {}),
    };
  });
}

/** Expands `~/` and the ssh_config tokens `%d %u %r %h %p %%` in a path. */
export function expandPath(
  path: string,
  tokens: { homeDir: string; user: string; host: string; port: number; localUser?: string },
): string {
  const withHome = path === '~' ? tokens.homeDir : path.replace(/^~\//, `${tokens.homeDir}/`);
  return withHome.replace(/%([%durhp])/g, (_whole, token: string) => {
    switch (token) {
      case 'd':
        return tokens.homeDir;
      case 'u':
        return tokens.localUser ?? tokens.user;
      case 'r':
        return tokens.user;
      case 'h':
        return tokens.host;
      case 'p':
        return String(tokens.port);
      default:
        return '%';
    }
  });
}

/** A stable key for pooling: same user, address, port and route share one connection. */
export function endpointKey(endpoint: Endpoint): string {
  const self = `${endpoint.user}@${endpoint.address}:${endpoint.port}`;
  return endpoint.via ? `${endpointKey(endpoint.via)}>${self}` : self;
}

function numberOrUndefined(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}
