import type { Duplex } from 'node:stream';
import ssh2, { type Client as Ssh2Client } from 'ssh2';
import { createAuthHandler, type AuthContext } from './auth.js';
import { mapSsh2Error, sshError } from './errors.js';
import { prepareHostKeyCheck } from './host-key.js';
import type { SshTransportOptions } from './options.js';
import type { Endpoint } from './ssh-config.js';

export type Client = Ssh2Client;

export interface ConnectSettings
  extends Pick<SshTransportOptions, 'hashKnownHosts' | 'acceptedHostKeys' | 'acceptHostKey'> {
  knownHostsPath: string;
  auth: AuthContext;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  readyTimeoutMs: number;
}

/**
 * Opens one authenticated SSH connection to `endpoint`, over `sock` when it is reached through a jump host.
 * Host keys are always checked; every failure is a TransportError saying which phase failed.
 */
export async function openConnection(endpoint: Endpoint, sock: Duplex | undefined, settings: ConnectSettings): Promise<Client> {
  const hostKey = await prepareHostKeyCheck(endpoint, settings);
  const auth = createAuthHandler(endpoint, settings.auth);
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      client.end();
      reject(hostKey.refusal() ?? mapSsh2Error(error, endpoint, { ready: false, triedAuth: auth.tried }));
    };
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', fail);
    client.once('close', () =>
      fail(sshError(endpoint, 'connect', 'the server closed the connection during the handshake', 'check the sshd logs on the host')),
    );
    client.connect({
      host: endpoint.address,
      port: endpoint.port,
      username: endpoint.user,
      ...(sock ? { sock } : {}),
      hostVerifier: hostKey.verify,
      algorithms: { serverHostKey: hostKey.serverHostKey },
      authHandler: auth.handler,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
      readyTimeout: settings.readyTimeoutMs,
    });
    // Nagle's algorithm on our side holds each small request (channel open, exec, EOF) until the server's
    // delayed ACK arrives: about 40 ms per step on Linux. The SSH packets are whole messages; send them at once.
    client.setNoDelay(true);
  });
}
