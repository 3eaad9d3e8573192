import type { Duplex } from 'node:stream';
import type { Client } from './connection.js';
import { sshError } from './errors.js';
import type { Endpoint } from './ssh-config.js';

/** A TCP stream to `target`, tunnelled through the already-open connection to its jump host (`target.via`). */
export function forwardThrough(jump: Client, target: Endpoint): Promise<Duplex> {
  const hop = target.via;
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, target.address, target.port, (error, stream) => {
      if (error) {
        reject(
          sshError(
            target,
            'connect',
            `jump host ${hop?.name ?? '?'} could not open a tunnel to ${target.address}:${target.port}: ${error.message}`,
            `check that ${hop?.name ?? 'the jump host'} allows TCP forwarding (AllowTcpForwarding) and can reach ${target.address}:${target.port}`,
            error,
          ),
        );
        return;
      }
      resolve(stream);
    });
  });
}
