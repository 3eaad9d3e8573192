import type { TransportSet } from '../engine/context.js';
import { TransportError } from '../errors.js';
import type { Mode } from '../plan/types.js';
import { createLocalTransport } from './local.js';
import type { Target, Transport } from './types.js';

/** The transports of one run: local always; SSH opened on first use of a host. */
export function createTransportSet(options: { mode: Mode }): TransportSet {
  const local = createLocalTransport();
  const opened: Transport[] = [local];
  return {
    forTarget(target: Target): Transport {
      if (options.mode === 'dry-run') throw new TransportError('a dry run connects nowhere (this is a bug: please report it)');
      if (target.kind === 'local') return local;
      throw new TransportError(`cannot reach host ${target.host.name} (${target.host.address}): the SSH transport is not available in this build`, { host: target.host.name, address: target.host.address, phase: 'connect' });
    },
    async closeAll() {
      await Promise.all(opened.map((t) => t.close()));
    },
  };
}
