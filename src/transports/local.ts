import type * as Execa from 'execa';
import { moduleLoadFailure, TransportError } from '../errors.js';
import { buildPayload } from './payload.js';
import { gateOpened } from './start-gate.js';
import type { ExecOutcome, ExecRequest, ExecResult, Transport } from '../schema/transport.js';

/** Grace between SIGTERM and SIGKILL when a step is cancelled or times out. */
const KILL_GRACE_MS = 3_000;

/**
 * execa (about a hundred modules: 60 ms to load unbundled) is loaded on the first local command, so a run of
 * SSH steps never pays for it; ssh2 is loaded the same way.
 */
let execaModule: Promise<typeof Execa> | undefined;

export function loadExeca(): Promise<typeof Execa> {
  execaModule ??= import('execa').catch((cause: unknown) => {
    execaModule = undefined;
    throw moduleLoadFailure('execa to run local commands', cause);
  });
  return execaModule;
}

/** Runs commands on the operator's machine with execa; output is streamed, never buffered whole. */
export function createLocalTransport(): Transport {
  return {
    async exec(request) {
      if (request.target.kind !== 'local') throw new TransportError(`the local transport cannot reach host ${request.target.host.name}`);
      return runLocal(request);
    },
    async close() {},
  };
}

/** What to spawn and what to give it on stdin; a script goes to a shell that does nothing until it arrives. */
function argvAndInput(request: ExecRequest): { file: string; args: string[]; input: string; readsScript: boolean } {
  const { command } = request;
  switch (command.kind) {
    case 'script':
      return { file: command.shell, args: ['-se'], input: buildPayload(command.script, command.shell).toString('utf8'), readsScript: true };
    case 'argv':
      return { file: command.argv[0] ?? '', args: command.argv.slice(1), input: command.input ?? '', readsScript: false };
    case 'kubectl':
    case 'kubectl-exec':
      throw new TransportError('kubectl commands go through the kubectl transport');
  }
}

async function runLocal(request: ExecRequest): Promise<ExecResult> {
  const { execa } = await loadExeca();
  const started = performance.now();
  const { file, args, input, readsScript } = argvAndInput(request);
  // An argv command acts as it starts; a shell waiting for its script may start (a fork and an exec, on this
  // thread) while the start gate is still closed.
  if (!readsScript && !(await gateOpened(request))) return { outcome: { kind: 'cancelled' }, durationMs: 0 };
  const child = execa(file, args, {
    ...(readsScript ? {} : { input }),
    buffer: false,
    reject: false,
    stripFinalNewline: false,
    // Its own process group, so cancelling kills the whole tree the script started.
    detached: true,
    ...(request.cwd ? { cwd: request.cwd } : {}),
    env: { ...request.env },
    extendEnv: true,
  });
  child.stdout?.on('data', (chunk: Buffer) => request.onStdout(chunk));
  child.stderr?.on('data', (chunk: Buffer) => request.onStderr(chunk));

  let ended: 'timeout' | 'cancelled' | undefined;
  const killTree = (why: 'timeout' | 'cancelled') => {
    if (ended) return;
    ended = why;
    signalGroup(child.pid, 'SIGTERM');
    setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  };
  const timer = request.timeoutMs !== undefined ? setTimeout(() => killTree('timeout'), request.timeoutMs) : undefined;
  const onAbort = () => killTree('cancelled');
  if (request.signal?.aborted) onAbort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  if (readsScript) {
    void gateOpened(request).then((open) => {
      if (!open) return killTree('cancelled');
      // Cancelled meanwhile, or a shell that could not start (its outcome comes from the spawn error): no script.
      if (!ended && child.stdin && !child.stdin.destroyed) child.stdin.end(input);
    });
  }
  try {
    const result = await child;
    const outcome: ExecOutcome = ended
      ? { kind: ended }
      : result.failed && result.exitCode === undefined && !result.signal
        ? spawnFailure(file, result)
        : result.signal
          ? { kind: 'signalled', signal: result.signal }
          : { kind: 'exited', exitCode: result.exitCode ?? 0 };
    return { outcome, durationMs: performance.now() - started };
  } finally {
    if (timer) clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

function spawnFailure(file: string, result: { code?: string; message?: string }): ExecOutcome {
  if (result.code === 'ENOENT') return { kind: 'exited', exitCode: 127 };
  throw new TransportError(`could not start ${file}: ${result.message ?? result.code ?? 'unknown error'}`, { phase: 'exec' });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
