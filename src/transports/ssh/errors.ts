import { TransportError } from '../../errors.js';
import type { Endpoint } from './ssh-config.js';

/** Where an SSH failure happened; `host-key` failures never reach authentication. */
export type SshPhase = 'connect' | 'auth' | 'host-key' | 'exec';

interface Ssh2Error extends Error {
  level?: string;
  code?: string | number;
  description?: string;
}

/** A TransportError naming the host, its address, the phase and what to try. */
export function sshError(
  endpoint: Endpoint,
  phase: SshPhase,
  message: string,
  hint: string,
  cause?: unknown,
): TransportError {
  const where = `${endpoint.user}@${endpoint.address}:${endpoint.port}`;
  const route = endpoint.via ? ` via ${endpoint.via.name}` : '';
  return new TransportError(
    `ssh ${endpoint.name} (${where}${route}): ${message}`,
    { host: endpoint.name, address: `${endpoint.address}:${endpoint.port}`, phase, hint },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Maps any error ssh2 (or the socket under it) emits to a TransportError. `ready` says whether the connection
 * had been established: after that, every failure belongs to the exec phase.
 */
export function mapSsh2Error(
  error: unknown,
  endpoint: Endpoint,
  context: { ready: boolean; triedAuth?: readonly string[] },
): TransportError {
  if (error instanceof TransportError) return error;
  const err = (error instanceof Error ? error : new Error(String(error))) as Ssh2Error;
  const port = `${endpoint.address}:${endpoint.port}`;
  const text = err.description ? `${err.message} (${err.description})` : err.message;
  if (context.ready) {
    return sshError(endpoint, 'exec', `connection lost: ${text}`, 'check the network to the host; the step outcome is unknown', err);
  }
  switch (err.level) {
    case 'client-authentication':
    case 'agent': {
      const tried = context.triedAuth?.length ? ` (tried: ${context.triedAuth.join(', ')})` : '';
      return sshError(
        endpoint,
        'auth',
        `authentication failed${tried}: ${text}`,
        `check the user (${endpoint.user}), the identity file, ssh-agent (SSH_AUTH_SOCK) or the password`,
        err,
      );
    }
    case 'client-timeout':
      return sshError(
        endpoint,
        'connect',
        `no SSH handshake within the ready timeout: ${text}`,
        `check that ${port} is reachable (firewall, VPN, jump host) and runs sshd`,
        err,
      );
    case 'client-dns':
      return sshError(endpoint, 'connect', text, 'check the address in the site file or HostName in ~/.ssh/config', err);
    case 'handshake':
      return sshError(
        endpoint,
        'connect',
        `SSH handshake failed: ${text}`,
        'the server offers no algorithm fieldbook supports, or it dropped the connection during key exchange',
        err,
      );
    default:
      return socketError(err, endpoint, text);
  }
}

function socketError(err: Ssh2Error, endpoint: Endpoint, text: string): TransportError {
  const port = `${endpoint.address}:${endpoint.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return sshError(endpoint, 'connect', `connection refused: ${text}`, `is sshd running on ${port}, and is the port right?`, err);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return sshError(endpoint, 'connect', `cannot resolve ${endpoint.address}`, 'check the address in the site file or HostName in ~/.ssh/config', err);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return sshError(endpoint, 'connect', `cannot reach ${port}: ${text}`, 'check the network path (routes, firewall, VPN, jump host)', err);
    case 'ECONNRESET':
      return sshError(endpoint, 'connect', `connection reset: ${text}`, 'a firewall or sshd (MaxStartups, AllowUsers) dropped the connection', err);
    default:
      return sshError(endpoint, 'connect', text, `check that ${port} runs an SSH server and is reachable`, err);
  }
}
