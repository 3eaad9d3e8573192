import type { RemoteHolder, RemoteObservation } from '../../journal/remote-holder.js';
import type { Command, Target, Transport } from '../../schema/transport.js';

/**
 * Where a site's remote lock lives (a Lease, a lock directory on a host). Every write is a compare-and-swap on
 * the version last read, so of two machines racing for it exactly one wins.
 */
export interface RemoteLockStore {
  kind: 'lease' | 'ssh';
  /** For people: `Lease fieldbook-site-acme in namespace x (context y)`, `cp1:~/.fieldbook/locks/acme.lock`. */
  where: string;
  read(): Promise<RemoteObservation>;
  /** Create the lock for `holder`; false when it exists already. */
  create(holder: RemoteHolder): Promise<{ version: string } | false>;
  /** Replace what `version` was with `holder` (undefined: release it); false when it changed meanwhile. */
  replace(holder: RemoteHolder | undefined, version: string): Promise<{ version: string } | false>;
}

/** The store cannot be used at all: RBAC refused it (`forbidden`), or it cannot be reached (`unavailable`). */
export class RemoteLockUnavailable extends Error {
  constructor(
    readonly why: 'forbidden' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

/** One command on a target, its output collected (small: lock records). */
export async function execCollect(transport: Transport, target: Target, command: Command, timeoutMs = 30_000): Promise<{ ok: boolean; exitCode?: number; stdout: string; stderr: string; failure?: string }> {
  let stdout = '';
  let stderr = '';
  const { outcome } = await transport.exec({
    target,
    command,
    timeoutMs,
    onStdout: (chunk) => void (stdout += chunk.toString()),
    onStderr: (chunk) => void (stderr += chunk.toString()),
  });
  switch (outcome.kind) {
    case 'exited':
      return { ok: outcome.exitCode === 0, exitCode: outcome.exitCode, stdout, stderr };
    case 'refused':
    case 'unknown':
      return { ok: false, stdout, stderr, failure: outcome.reason };
    case 'signalled':
      return { ok: false, stdout, stderr, failure: `killed by ${outcome.signal}` };
    case 'timeout':
      return { ok: false, stdout, stderr, failure: `no answer within ${timeoutMs / 1000} s` };
    case 'cancelled':
      return { ok: false, stdout, stderr, failure: 'cancelled' };
  }
}
