import { join } from 'node:path';
import type { Site } from '../schema/site.js';
import { createTransportSet } from '../transports/transport-set.js';
import type { Transport } from '../schema/transport.js';
import { currentActor, expandHome, sshSecretFromEnv } from './run-session.js';
import { takeRemoteLock, type HeldSiteLock } from './remote-lock.js';

export interface SiteLockContext {
  site: Site;
  env: NodeJS.ProcessEnv;
  runsDir: string;
  acceptHostKeys: Record<string, string>;
}

/**
 * kubectl and SSH for the lock alone, opened before the run's UI exists: host keys must be known (or accepted with
 * --accept-host-key) and SSH secrets come from the environment, as nobody can be asked yet.
 */
export function lockTransport(context: SiteLockContext): Transport {
  const set = createTransportSet({
    mode: 'live',
    kubeCacheDir: join(context.runsDir, '..', 'cache', 'kubectl'),
    ssh: async () =>
      (await import('../transports/ssh/index.js')).createSshTransport({
        ...(context.site.ssh.knownHosts ? { knownHostsPath: expandHome(context.site.ssh.knownHosts, context.env) } : {}),
        acceptedHostKeys: context.acceptHostKeys,
        askSecret: async (request) => sshSecretFromEnv(request, context.env),
      }),
  });
  return { exec: (request) => set.exec(request), close: () => set.closeAll() };
}

/** Take the site's remote lock for `runId` (or say why it is local only), when the site asks for one; refusals are FieldbookErrors (exit 4). */
export async function holdSite(context: SiteLockContext, runId: string, unlock: string): Promise<HeldSiteLock | undefined> {
  // lock.remote off (the default): today's local locks, and the journal as it always was.
  if (context.site.lock?.remote !== 'auto') return undefined;
  const transport = lockTransport(context);
  try {
    const choice = await takeRemoteLock({ site: context.site, runId, actor: currentActor(), transport, kubeCacheDir: join(context.runsDir, '..', 'cache', 'kubectl') }, unlock);
    return { choice, close: () => transport.close() };
  } catch (error) {
    await transport.close();
    throw error;
  }
}
