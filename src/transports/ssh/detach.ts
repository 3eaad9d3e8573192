import { TransportError } from '../../errors.js';
import type { ExecOutcome, ExecRequest, ExecResult } from '../../schema/transport.js';
import { gateOpened } from '../start-gate.js';
import { execOnHost, type ExecContext } from './exec.js';
import { buildPayload } from '../payload.js';
import { shellQuote } from '../../template/shell-quote.js';

/** Bytes of stdout and stderr already delivered; a resumed run passes them back so nothing repeats. */
export interface DetachedOffsets {
  stdout: number;
  stderr: number;
}

export interface DetachOptions {
  /** Remote directory for the run's detached steps; relative paths are under the login user's home. */
  runDir: string;
  /** Unique per (step, host, item) within the run: `[A-Za-z0-9._-]+`. The same key reattaches, never re-runs. */
  key: string;
  /** Output already delivered (from the journal, after a crash). @default { stdout: 0, stderr: 0 } */
  offsets?: DetachedOffsets;
  /** Called after every delivered chunk, so the engine can journal how far it got. */
  onOffsets?: (offsets: DetachedOffsets) => void;
}

export interface ReconnectPolicy {
  /** Give up reattaching after this long without a connection. @default 120000 */
  budgetMs: number;
  /** @default 500 */
  initialDelayMs: number;
  /** @default 8000 */
  maxDelayMs: number;
}

/**
 * Runs a script detached on the host (setsid, in `<runDir>/<key>` with pid, out, err and exit files) and
 * follows its output by offset. A dropped connection is retried with backoff and the output picked up where it
 * stopped; calling again with the same key (after a crash) reattaches instead of starting a second copy.
 */
export async function execDetached(
  request: ExecRequest,
  detach: DetachOptions,
  context: ExecContext,
  policy: ReconnectPolicy,
): Promise<ExecResult> {
  const started = Date.now();
  const done = (outcome: ExecOutcome): ExecResult => ({ outcome, durationMs: Date.now() - started });
  const { command } = request;
  if (command.kind !== 'script') throw new TransportError('only scripts can run detached', { phase: 'exec' });
  if (!/^[A-Za-z0-9._-]+$/.test(detach.key)) {
    throw new TransportError(`detached step key "${detach.key}" may only use letters, digits, ".", "_" and "-"`, { phase: 'exec' });
  }
  if (!(await gateOpened(request))) return done({ kind: 'cancelled' }); // launching it is the action
  const dir = `${shellQuote(detach.runDir)}/${shellQuote(detach.key)}`;
  const offsets = { ...(detach.offsets ?? { stdout: 0, stderr: 0 }) };
  const stop = stopSignal(request);
  const helper = (
    script: string,
    onStdout: (chunk: Buffer) => void = () => undefined,
    onStderr: (chunk: Buffer) => void = () => undefined,
    signal?: AbortSignal,
  ) =>
    execOnHost(
      { target: request.target, command: { kind: 'script', script, shell: 'sh' }, onStdout, onStderr, ...(signal ? { signal } : {}) },
      context,
    );
  const retrying = <T>(step: () => Promise<T | undefined>) => withReconnect(step, policy, stop.signal);

  try {
    const payload = buildPayload(command.script, command.shell, request.env, request.cwd).toString('utf8');
    const launched = await retrying<true | ExecOutcome>(async () => {
      let said = '';
      const result = await helper(launcher(dir, detach.runDir, payload, command.shell), (c) => (said += c.toString()), (c) => (said += c.toString()));
      if (result.outcome.kind === 'unknown') return undefined;
      if (result.outcome.kind === 'refused') return result.outcome;
      if (result.outcome.kind !== 'exited' || result.outcome.exitCode !== 0) {
        throw new TransportError(`cannot start the detached step: ${said.trim() || JSON.stringify(result.outcome)}`, {
          phase: 'exec',
          hint: `check that ${detach.runDir} is writable on the host and that setsid and GNU tail are installed`,
        });
      }
      return true;
    });
    if (launched === undefined) return done(stop.outcome() ?? lost(policy));
    if (launched !== true) return done(launched);

    for (;;) {
      const followed = await retrying(async () => {
        const result = await helper(
          follower(dir, offsets),
          (chunk) => deliver(chunk, 'stdout'),
          (chunk) => deliver(chunk, 'stderr'),
          stop.signal,
        );
        return result.outcome.kind === 'unknown' ? undefined : true;
      });
      if (stop.outcome()) break;
      if (followed === undefined) return done(lost(policy));
      let state = '';
      const checked = await retrying(async () => {
        const result = await helper(status(dir), (c) => (state += c.toString()));
        return result.outcome.kind === 'exited' ? true : undefined;
      });
      if (checked === undefined) return done(stop.outcome() ?? lost(policy));
      const exit = /^exit (\d+)/.exec(state.trim());
      if (exit || state.trim() === 'gone') {
        // The job is over; a follower that was cut short (its tail killed) may have left output behind.
        const drained = await retrying(async () => {
          const result = await helper(drain(dir, offsets), (c) => deliver(c, 'stdout'), (c) => deliver(c, 'stderr'));
          return result.outcome.kind === 'exited' ? true : undefined;
        });
        if (drained === undefined) return done(stop.outcome() ?? lost(policy));
        if (exit) return done({ kind: 'exited', exitCode: Number(exit[1]) });
        return done({ kind: 'unknown', reason: 'the detached process ended without recording an exit code (killed?)' });
      }
      // still running: the follower ended early (a connection hiccup); follow again from the same offsets.
    }
    // Timed out or cancelled: stop the whole detached process group, on a fresh connection if need be.
    await retrying(async () => ((await helper(killer(dir, context.killGraceMs))).outcome.kind === 'exited' ? true : undefined));
    return done(stop.outcome()!);
  } finally {
    stop.dispose();
  }

  function deliver(chunk: Buffer, stream: 'stdout' | 'stderr'): void {
    offsets[stream] += chunk.length;
    if (stream === 'stdout') request.onStdout(chunk);
    else request.onStderr(chunk);
    detach.onOffsets?.({ ...offsets });
  }
}

/** Starts the job unless `<dir>` exists already (then it only reattaches). The script travels inside stdin. */
const JOB = '"$2" -se >>"$1/out" 2>>"$1/err"; echo $? >"$1/exit.tmp"; mv "$1/exit.tmp" "$1/exit"';

function launcher(dir: string, runDir: string, payload: string, shell: 'bash' | 'sh'): string {
  return [
    `mkdir -p -m 700 -- ${shellQuote(runDir)}`,
    `if ! mkdir -m 700 -- ${dir} 2>/dev/null; then echo attached; exit 0; fi`,
    `: > ${dir}/out; : > ${dir}/err`,
    `__fieldbook_payload=${shellQuote(payload)}`,
    // setsid: its own session and process group (pgid = pid), so a lost connection does not touch it.
    // setsid: its own session and process group (pgid = pid), so a lost connection does not touch it.
    `printf '%s' "$__fieldbook_payload" | setsid sh -c '${JOB}' sh ${dir} ${shell} >/dev/null 2>&1 &`,
    `echo $! > ${dir}/pid`,
    'echo started',
  ].join('\n');
}

/**
 * Streams out and err from the offsets until the job is over. tail stops when a watcher exits; the watcher
 * ends when the exit file appears (written after all output) or the job's process is gone. Watching the job's
 * pid directly is not enough: an exited job stays a zombie until init reaps it. tail's own complaints are dropped.
 */
function follower(dir: string, offsets: DetachedOffsets): string {
  return [
    `pid=$(cat ${dir}/pid 2>/dev/null || echo 0)`,
    'exec 3>&2 2>/dev/null',
    `( while [ ! -e ${dir}/exit ] && kill -0 "$pid"; do sleep 0.2; done ) &`,
    'watcher=$!',
    `tail -c +${offsets.stdout + 1} -s 0.2 --pid="$watcher" -f ${dir}/out &`,
    `tail -c +${offsets.stderr + 1} -s 0.2 --pid="$watcher" -f ${dir}/err >&3`,
    'wait',
  ].join('\n');
}

/** Whatever is left in out and err past the offsets, once the job is over. */
function drain(dir: string, offsets: DetachedOffsets): string {
  return `tail -c +${offsets.stdout + 1} ${dir}/out && tail -c +${offsets.stderr + 1} ${dir}/err >&2`;
}

function status(dir: string): string {
  return [
    `if [ -e ${dir}/exit ]; then echo "exit $(cat ${dir}/exit)"`,
    `elif kill -0 "$(cat ${dir}/pid 2>/dev/null || echo 0)" 2>/dev/null; then echo running`,
    'else echo gone; fi',
  ].join('\n');
}

function killer(dir: string, graceMs: number): string {
  const pid = `"$(cat ${dir}/pid 2>/dev/null || echo 0)"`;
  // `kill -s SIG -- -pgid` is the spelling dash's builtin kill accepts too.
  return `kill -s TERM -- -${pid} 2>/dev/null; sleep ${(graceMs / 1000).toFixed(1)}; kill -s KILL -- -${pid} 2>/dev/null; true`;
}

function lost(policy: ReconnectPolicy): ExecOutcome {
  return {
    kind: 'unknown',
    reason: `lost the connection and could not reattach within ${Math.round(policy.budgetMs / 1000)} s; the step may still be running on the host (resume reattaches)`,
  };
}

/**
 * Runs `step` until it yields a value. `undefined` (outcome unknown) and connect-phase errors mean "the
 * connection is gone": wait with exponential backoff and try again, within the budget.
 */
async function withReconnect<T>(step: () => Promise<T | undefined>, policy: ReconnectPolicy, signal: AbortSignal): Promise<T | undefined> {
  const deadline = Date.now() + policy.budgetMs;
  let delay = policy.initialDelayMs;
  for (;;) {
    try {
      const value = await step();
      if (value !== undefined || signal.aborted) return value;
    } catch (error) {
      if (!(error instanceof TransportError) || error.details.phase !== 'connect') throw error;
    }
    if (signal.aborted || Date.now() + delay > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
}

/** One signal for "stop following": the caller's abort or the step's timeout, remembering which. */
function stopSignal(request: ExecRequest): { signal: AbortSignal; outcome(): ExecOutcome | undefined; dispose(): void } {
  const controller = new AbortController();
  let why: 'timeout' | 'cancelled' | undefined;
  const fire = (reason: 'timeout' | 'cancelled') => {
    why ??= reason;
    controller.abort();
  };
  const onAbort = () => fire('cancelled');
  if (request.signal?.aborted) fire('cancelled');
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = request.timeoutMs !== undefined ? setTimeout(() => fire('timeout'), request.timeoutMs) : undefined;
  return {
    signal: controller.signal,
    outcome: () => (why ? { kind: why } : undefined),
    dispose: () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    },
  };
}
