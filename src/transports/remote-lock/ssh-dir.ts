import { remoteHolderSchema, type RemoteHolder, type RemoteObservation } from '../../journal/remote-holder.js';
import { shellQuote } from '../../template/shell-quote.js';
import type { HostTarget, Transport } from '../../schema/transport.js';
import { execCollect, RemoteLockUnavailable, type RemoteLockStore } from './store.js';

/** Relative to the SSH login user's home on the host, as detached steps are. */
export const LOCKS_DIR = '.fieldbook/locks';

/** Exit status of the scripts below when the lock exists (create) or changed (replace): not an error. */
const TAKEN = 3;

/**
 * A lock directory on a host over SSH: `mkdir` is atomic, so of two machines creating it one wins. The holder
 * record is a file inside, its mtime touched at each renewal (stale detection in the host's own clock). A write
 * is a compare-and-swap on the record read, under a guard directory (`.cas`, itself made by `mkdir`).
 */
export function sshDirStore(transport: Transport, host: HostTarget, site: string): RemoteLockStore {
  const dir = `"$HOME"/${LOCKS_DIR}/${shellQuote(`${site}.lock`)}`;
  const target = { kind: 'host', host } as const;
  const where = `${host.user ? `${host.user}@` : ''}${host.name}:~/${LOCKS_DIR}/${site}.lock`;
  const sh = async (what: string, script: string) => {
    const r = await execCollect(transport, target, { kind: 'script', shell: 'sh', script: `d=${dir}\n${script}` });
    if (!r.ok && r.exitCode !== TAKEN) throw new RemoteLockUnavailable('unavailable', `${what} ${where}: ${r.failure ?? (r.stderr.trim().split('\n').pop() || `exit code ${r.exitCode}`)}`);
    return r;
  };
  const write = (holder: RemoteHolder) => `printf '%s\\n' ${shellQuote(JSON.stringify(holder))} > "$d/holder.new" && mv -f "$d/holder.new" "$d/holder"`;
  return {
    kind: 'ssh',
    where,
    async read(): Promise<RemoteObservation> {
      const r = await sh('read', `[ -d "$d" ] || { echo free; exit 0; }\necho held; date +%s; stat -c %Y "$d/holder" 2>/dev/null || stat -c %Y "$d"; cat "$d/holder" 2>/dev/null`);
      const [state, now, mtime, ...rest] = r.stdout.split('\n');
      if (state === 'free') return { state: 'free' };
      const text = rest.join('\n').trim();
      const holder = parseHolder(text);
      if (!holder) return { state: 'unreadable', version: text, reason: text === '' ? 'the lock directory has no holder record (a start that died half-way?)' : 'its holder record is not a fieldbook run' };
      return { state: 'held', holder, version: text, ageSeconds: Number(now) - Number(mtime) };
    },
    async create(holder) {
      const r = await sh('create', `umask 077; mkdir -p "$HOME"/${LOCKS_DIR} || exit 1\nmkdir "$d" 2>/dev/null || exit ${TAKEN}\n${write(holder)}`);
      return r.ok ? { version: JSON.stringify(holder) } : false;
    },
    async replace(holder, version) {
      const swap = holder ? write(holder) : 'rm -f "$d/holder" && rmdir "$d/.cas" && trap - EXIT && rmdir "$d"';
      // A guard left by a swap that was killed is older than a minute: remove it, or the lock could never change.
      const r = await sh(holder ? 'update' : 'release', `[ -d "$d" ] || exit ${TAKEN}\nfind "$d" -maxdepth 1 -name .cas -mmin +1 -exec rmdir {} \\; 2>/dev/null\nmkdir "$d/.cas" 2>/dev/null || exit ${TAKEN}\ntrap 'rmdir "$d/.cas" 2>/dev/null' EXIT\n[ "$(cat "$d/holder" 2>/dev/null)" = ${shellQuote(version)} ] || exit ${TAKEN}\n${swap}`);
      return r.ok ? { version: holder ? JSON.stringify(holder) : '' } : false;
    },
  };
}

function parseHolder(text: string): RemoteHolder | undefined {
  try {
    const parsed = remoteHolderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
