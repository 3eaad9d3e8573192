import type { TransportSet } from '../schema/transport.js';
import { moduleLoadFailure, TransportError } from '../errors.js';
import type { Mode } from '../plan/types.js';
import { createKubectlTransport } from './kubectl/index.js';
import { createLocalTransport } from './local.js';
import type { SshTransport } from './ssh/index.js';
import type { ExecRequest, Transport } from '../schema/transport.js';

export interface TransportSetOptions {
  mode: Mode;
  /** Opens the SSH transport on first use of a host (loaded then: ssh2 weighs on every local spawn otherwise). */
  ssh?: () => Promise<SshTransport>;
  /** kubectl's discovery cache on this machine. */
  kubeCacheDir?: string;
}

/** The transports of one run: local always, SSH opened on first use of a host, kubectl on top of either. */
export function createTransportSet(options: TransportSetOptions): TransportSet {
  const local = createLocalTransport();
  let ssh: Promise<SshTransport> | undefined;
  const byTarget: Transport = {
    async exec(request: ExecRequest) {
      if (options.mode === 'dry-run') throw new TransportError('a dry run connects nowhere (this is a bug: please report it)');
      if (request.target.kind === 'local') return local.exec(request);
      if (!options.ssh) {
        const { host } = request.target;
        throw new TransportError(`cannot reach host ${host.name} (${host.address}): no SSH transport in this build`, { host: host.name, address: host.address, phase: 'connect' });
      }
      ssh ??= options.ssh().catch((cause: unknown) => {
        ssh = undefined;
        throw moduleLoadFailure('the SSH transport', cause);
      });
      const transport = await ssh;
      return request.detach && request.command.kind === 'script' ? transport.execDetached(request, request.detach) : transport.exec(request);
    },
    async close() {
      await Promise.all([local.close(), ssh?.then((transport) => transport.close())]);
    },
  };
  const kubectl = createKubectlTransport({ base: byTarget, ...(options.kubeCacheDir ? { cacheDir: options.kubeCacheDir } : {}) });
  return { exec: (request) => kubectl.exec(request), listPods: (request) => kubectl.listPods(request), closeAll: () => kubectl.close() };
}
