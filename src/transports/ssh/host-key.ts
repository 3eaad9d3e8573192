import type { ServerHostKeyAlgorithm } from 'ssh2';
import type { TransportError } from '../../errors.js';
import { sshError } from './errors.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprintOf,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  readKnownHosts,
} from './known-hosts.js';
import type { SshTransportOptions } from './options.js';
import type { Endpoint } from './ssh-config.js';

/** ssh2's host key algorithms, strongest first (ssh2's own default order). */
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export interface HostKeyCheck {
  /** Always passed to ssh2 as `hostVerifier`: no connection is ever made without a check. */
  verify: (key: Buffer, done: (accepted: boolean) => void) => void;
  /** Algorithms with already-recorded key types first, so a server with several keys shows the known one. */
  serverHostKey: ServerHostKeyAlgorithm[];
  /** Why the key was refused, once `verify` said no. */
  refusal(): TransportError | undefined;
}

type HostKeyOptions = Pick<SshTransportOptions, 'hashKnownHosts' | 'acceptedHostKeys' | 'acceptHostKey'> & {
  knownHostsPath: string;
};

/** Prepares the strict known_hosts check for one connection attempt to `endpoint`. */
export async function prepareHostKeyCheck(endpoint: Endpoint, options: HostKeyOptions): Promise<HostKeyCheck> {
  const name = knownHostsName(endpoint.address, endpoint.port);
  const entries = await readKnownHosts(options.knownHostsPath);
  let refused: TransportError | undefined;
  const refuse = (message: string, hint: string): false => {
    refused = sshError(endpoint, 'host-key', message, hint);
    return false;
  };

  const decide = async (key: Buffer): Promise<boolean> => {
    const fingerprint = fingerprintOf(key);
    const keyType = keyTypeOf(key);
    const status = checkHostKey(entries, name, key);
    switch (status.kind) {
      case 'known':
        return true;
      case 'revoked':
        return refuse(
          `host key ${fingerprint} is marked @revoked (${options.knownHostsPath}:${status.line})`,
          'do not connect: ask the owner of the host for its current key',
        );
      case 'changed':
        return refuse(
          `HOST KEY CHANGED: the server presents ${keyType} ${fingerprint}, but ${options.knownHostsPath} ` +
            `(line ${status.lines.join(', ')}) records ${status.knownFingerprints.join(', ')}; nothing was run`,
          `someone may be intercepting the connection. If the host was reinstalled, confirm ${fingerprint} with ` +
            `its owner, then remove the old entry: ssh-keygen -R '${name}' -f ${options.knownHostsPath}`,
        );
      case 'unknown':
        return decideUnknown(key, fingerprint, keyType);
    }
  };

  const decideUnknown = async (key: Buffer, fingerprint: string, keyType: string): Promise<boolean> => {
    const preset = [endpoint.name, endpoint.address, name]
      .map((k) => options.acceptedHostKeys?.[k])
      .find((v) => v !== undefined);
    let accepted = false;
    if (preset !== undefined) {
      if (preset !== fingerprint) {
        return refuse(
          `the server presents host key ${fingerprint}, not the accepted ${preset}`,
          'check the fingerprint given with --accept-host-key; never accept a key you have not confirmed',
        );
      }
      accepted = true;
    } else if (options.acceptHostKey) {
      const { address, port } = endpoint;
      accepted = await options.acceptHostKey({ host: endpoint.name, address, port, knownHostsName: name, keyType, fingerprint });
    }
    if (!accepted) {
      return refuse(
        `unknown host key ${keyType} ${fingerprint} (not in ${options.knownHostsPath})`,
        `confirm the fingerprint with the host's owner, then accept it: --accept-host-key ${endpoint.name}=${fingerprint}`,
      );
    }
    await appendKnownHost(options.knownHostsPath, name, key, { hashed: options.hashKnownHosts ?? false });
    return true;
  };

  const known = knownKeyTypes(entries, name).flatMap(algorithmsFor);
  return {
    verify: (key, done) => {
      decide(key).then(done, (error: unknown) => {
        refused = sshError(endpoint, 'host-key', `cannot check the host key: ${(error as Error).message}`, 'check known_hosts', error);
        done(false);
      });
    },
    serverHostKey: [...new Set([...known, ...HOST_KEY_ALGORITHMS])],
    refusal: () => refused,
  };
}

function algorithmsFor(keyType: string): ServerHostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return HOST_KEY_ALGORITHMS.filter((algorithm) => algorithm === keyType);
}
