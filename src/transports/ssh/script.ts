import { TransportError } from '../../errors.js';
import { shellQuote } from '../../template/shell-quote.js';
import { buildPayload, setupLines } from '../payload.js';
import type { Command } from '../../schema/transport.js';

/**
 * How a command runs on the host: the argv the login shell execs (after `setup`: exports and cd, for commands
 * that have no script of their own) and what goes on its stdin.
 */
export interface RemoteInvocation {
  argv: readonly string[];
  setup: string;
  stdin: Buffer;
  /** A shell that does nothing until its script arrives on stdin (so it may start before the start gate opens). */
  readsScript: boolean;
}

export function remoteInvocation(
  command: Command,
  env: Readonly<Record<string, string>> = {},
  cwd?: string,
): RemoteInvocation {
  switch (command.kind) {
    case 'script':
      return { argv: [command.shell, '-se'], setup: '', stdin: buildPayload(command.script, command.shell, env, cwd), readsScript: true };
    case 'argv':
      return { argv: command.argv, setup: setupLines(env, cwd, true), stdin: Buffer.from(command.input ?? '', 'utf8'), readsScript: false };
    case 'kubectl':
    case 'kubectl-exec':
      throw new TransportError('kubectl commands go through the kubectl transport', { phase: 'exec' });
  }
}

/** The command line the login shell runs: `setup`, then exec of the argv. */
export function commandLine(invocation: RemoteInvocation): string {
  return `${invocation.setup}exec ${invocation.argv.map(shellQuote).join(' ')}`;
}

