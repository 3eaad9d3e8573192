import { TransportError } from '../../errors.js';
import type { HostTarget } from '../../schema/transport.js';
import { execOnHost, type ExecContext } from './exec.js';

/** `cat` into a temp file next to the target, chmod, then rename: readers never see half a file. */
const WRITE = 'umask 077; tmp="$1.fieldbook-$$"; cat > "$tmp" && chmod "$2" "$tmp" && mv -f "$tmp" "$1" || { rm -f "$tmp"; exit 1; }';

/**
 * Writes a small file on the host over the pooled connection (stdin of `cat`, so the content is never in
 * argv; as root when the host uses `become: sudo`).
 */
export async function uploadFile(
  host: HostTarget,
  path: string,
  content: Buffer | string,
  mode: string,
  context: ExecContext,
): Promise<void> {
  if (!/^[0-7]{3,4}$/.test(mode)) throw new TransportError(`file mode "${mode}" is not octal like 0644`, { phase: 'exec' });
  let stderr = '';
  const result = await execOnHost(
    { target: { kind: 'host', host }, command: { kind: 'argv', argv: [] }, onStdout: () => undefined, onStderr: (c) => (stderr += c.toString()) },
    context,
    { argv: ['sh', '-c', WRITE, 'sh', path, mode], setup: '', stdin: Buffer.from(content), readsScript: false },
  );
  if (result.outcome.kind !== 'exited' || result.outcome.exitCode !== 0) {
    throw new TransportError(`cannot write ${path} on ${host.name}: ${stderr.trim() || JSON.stringify(result.outcome)}`, {
      host: host.name,
      address: host.address,
      phase: 'exec',
      hint: 'check that the directory exists and is writable by the login user (or use become: sudo)',
    });
  }
}
