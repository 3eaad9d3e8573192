import type { ClientChannel } from 'ssh2';
import type { TransportError } from '../../errors.js';
import { gateOpened } from '../start-gate.js';
import type { ExecOutcome, ExecRequest, ExecResult } from '../../schema/transport.js';
import { SudoGate } from './become.js';
import type { ConnectionPool, PooledConnection } from './connection-pool.js';
import { sshError } from './errors.js';
import { commandLine, remoteInvocation, type RemoteInvocation } from './script.js';
import type { Endpoint } from './ssh-config.js';

export interface ExecContext {
  pool: ConnectionPool;
  endpoint: Endpoint;
  become?: 'sudo';
  /** The sudo password, asked for (and cached) only when sudo prompts; undefined when none can be had. */
  sudoPassword?: () => Promise<string | undefined>;
  /** Called when sudo rejected the password, so a cached one is not offered again. */
  forgetSudoPassword?: () => void;
  killGraceMs: number;
}

/** Runs one command on a host over its pooled connection and reports how it ended. */
export async function execOnHost(
  request: ExecRequest,
  context: ExecContext,
  invocation: RemoteInvocation = remoteInvocation(request.command, request.env, request.cwd),
): Promise<ExecResult> {
  const started = Date.now();
  const done = (outcome: ExecOutcome): ExecResult => ({ outcome, durationMs: Date.now() - started });
  if (request.signal?.aborted) return done({ kind: 'cancelled' });
  // An argv command acts as it starts; a shell that reads its script from stdin may start before the gate opens.
  if (!invocation.readsScript && !(await gateOpened(request))) return done({ kind: 'cancelled' });

  for (let attempt = 1; ; attempt++) {
    const connection = await context.pool.get(context.endpoint);
    let release: () => void;
    try {
      release = await connection.channels.acquire(request.signal);
    } catch {
      return done({ kind: 'cancelled' });
    }
    const sudo = context.become === 'sudo' ? new SudoGate() : undefined;
    const command = sudo ? sudo.command(invocation, context.sudoPassword !== undefined) : commandLine(invocation);
    let channel: OpenChannel;
    try {
      channel = await openSession(connection, command, request.signal);
    } catch (error) {
      release();
      if (request.signal?.aborted) return done({ kind: 'cancelled' });
      // A warm connection that died since its last use: the command never started, so reconnect once.
      if (!connection.alive && attempt === 1) {
        context.pool.discard(connection);
        continue;
      }
      // The command never started: a refusal, not an unknown outcome.
      return done(
        refused(
          sshError(
            context.endpoint,
            'exec',
            `cannot start a session: ${(error as Error).message}`,
            'the server refuses sessions (MaxSessions in its sshd_config, or it is shutting down)',
            error,
          ),
        ),
      );
    }
    try {
      return done(await drive(channel, connection, request, context, invocation.stdin, sudo));
    } finally {
      release();
    }
  }
}

/**
 * Opens the exec channel. sshd frees a finished session a moment after the channel closes, so under churn an
 * open can briefly exceed its MaxSessions ("open failed") even below the limit: the command has not started,
 * so retry while our other channels on this connection are still finishing; give up quickly when none are.
 */
async function openSession(connection: PooledConnection, command: string, signal?: AbortSignal): Promise<OpenChannel> {
  const deadline = Date.now() + 30_000;
  for (let tries = 1; ; tries++) {
    try {
      return await openExec(connection, command);
    } catch (error) {
      const full = /open failure/i.test((error as Error).message);
      const othersBusy = connection.channels.inUse > 1;
      const retry = full && connection.alive && !signal?.aborted && (othersBusy ? Date.now() < deadline : tries < 3);
      if (!retry) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(20 * tries, 200)));
    }
  }
}

/** An exec channel and how its command ended, once the server has said so. */
interface OpenChannel {
  channel: ClientChannel;
  exit: ExecOutcome | undefined;
}

function openExec(connection: PooledConnection, command: string): Promise<OpenChannel> {
  return new Promise((resolve, reject) => {
    try {
      connection.client.exec(command, (error, channel) => {
        if (error) return reject(error);
        // Listen at once: the exit status of a command that needs no stdin can come in the same read as this
        // reply, and ssh2 emits it before a listener added after an await would exist (it would read "unknown").
        const opened: OpenChannel = { channel, exit: undefined };
        channel.on('exit', (code: number | null, signalName?: string) => {
          if (typeof code === 'number') opened.exit = { kind: 'exited', exitCode: code };
          else if (signalName) opened.exit = { kind: 'signalled', signal: signalName.startsWith('SIG') ? signalName : `SIG${signalName}` };
        });
        resolve(opened);
      });
    } catch (error) {
      reject(error);
    }
  });
}

/**
 * Streams output, writes the payload (after sudo is through, and once the start gate opens), enforces timeout
 * and cancel, reads the exit.
 */
function drive(
  opened: OpenChannel,
  connection: PooledConnection,
  request: ExecRequest,
  context: ExecContext,
  payload: Buffer,
  sudo: SudoGate | undefined,
): Promise<ExecOutcome> {
  const { endpoint, killGraceMs } = context;
  const { channel } = opened;
  return new Promise((resolve) => {
    let ending: 'timeout' | 'cancelled' | undefined;
    let refusal: TransportError | undefined;
    let finished = false;
    let passwordSent = false;
    const timers: NodeJS.Timeout[] = [];

    const finish = (): void => {
      if (finished) return;
      finished = true;
      timers.forEach(clearTimeout);
      request.signal?.removeEventListener('abort', onAbort);
      if (ending) return resolve({ kind: ending });
      // sudo never let the script start: a refusal, with sudo's own words and what to do.
      if (sudo?.state === 'waiting') {
        if (!refusal && passwordSent) context.forgetSudoPassword?.();
        return resolve(refused(refusal ?? sudoRefused(endpoint, sudo.said(), context, passwordSent)));
      }
      if (opened.exit) return resolve(opened.exit);
      const reason = connection.alive
        ? 'the channel closed without an exit status'
        : `the connection to ${endpoint.name} was lost (${connection.lostReason ?? 'closed'})`;
      resolve({ kind: 'unknown', reason });
    };
    const stop = (kind: 'timeout' | 'cancelled'): void => {
      if (ending || finished) return;
      ending = kind;
      // sshd delivers a channel signal to the whole process group of the session.
      signal(channel, 'TERM');
      timers.push(
        setTimeout(() => {
          signal(channel, 'KILL');
          channel.close();
          timers.push(setTimeout(finish, killGraceMs));
        }, killGraceMs),
      );
    };
    const onAbort = (): void => stop('cancelled');
    // The script goes to the waiting shell once the start gate opens; a failed gate closes the channel, nothing
    // sent.
    const deliver = (): void => {
      void gateOpened(request).then((open) => {
        if (finished || ending) return;
        if (open) return void channel.end(payload);
        ending = 'cancelled';
        channel.close();
      });
    };

    channel.on('data', (chunk: Buffer) => request.onStdout(chunk));
    channel.stderr.on('data', (chunk: Buffer) => {
      if (!sudo) return request.onStderr(chunk);
      const { event, passthrough } = sudo.feed(chunk);
      if (passthrough) request.onStderr(passthrough);
      if (event === 'ready') deliver();
      if (event === 'password') {
        passwordSent = true;
        void answerSudo(channel, context, (error) => (refusal = error));
      }
      if (event === 'rejected') {
        context.forgetSudoPassword?.();
        refusal = sshError(endpoint, 'exec', 'sudo rejected the password', `check the sudo password for ${endpoint.user}`);
        channel.close();
      }
    });
    channel.on('close', finish);
    channel.on('error', () => undefined);

    if (!sudo) deliver();
    if (request.timeoutMs !== undefined) timers.push(setTimeout(() => stop('timeout'), request.timeoutMs));
    request.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A `refused` outcome from a TransportError: its message, then what to try. */
function refused(error: TransportError): ExecOutcome {
  const hint = error.details.hint ? ` (${error.details.hint})` : '';
  return { kind: 'refused', reason: `${error.message}${hint}` };
}

async function answerSudo(
  channel: ClientChannel,
  context: ExecContext,
  setRefusal: (error: TransportError) => void,
): Promise<void> {
  const password = await context.sudoPassword?.();
  if (password === undefined) {
    setRefusal(
      sshError(context.endpoint, 'exec', 'sudo asks for a password and none was given', 'provide the sudo password as a secret, or allow NOPASSWD for this user in sudoers'),
    );
    channel.close();
    return;
  }
  channel.write(`${password}\n`);
}

function sudoRefused(endpoint: Endpoint, said: string, context: ExecContext, passwordSent: boolean): TransportError {
  const reason = said || 'no reason given';
  if (passwordSent) {
    return sshError(endpoint, 'exec', `sudo rejected the password: ${reason}`, `check the sudo password for ${endpoint.user}`);
  }
  const hint = context.sudoPassword
    ? `check that ${endpoint.user} may run commands as root with sudo (sudoers) and that sudo is installed`
    : `provide the sudo password as a secret, or allow NOPASSWD for ${endpoint.user} in sudoers`;
  return sshError(endpoint, 'exec', `sudo refused: ${reason}`, hint);
}

/**
 * ssh2 1.17's `channel.signal()` is a silent no-op once stdin has ended (it checks `writable`), and we always
 * end stdin after the payload. The protocol allows signals until the channel closes, so send the request
 * through ssh2's protocol object while the channel is open or half-closed (mscdex/ssh2#1510 fixes this upstream).
 */
function signal(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, signal: string) => void } };
  };
  const { outgoing } = internals;
  const send = internals._client?._protocol?.signal;
  try {
    if (outgoing?.id !== undefined && (outgoing.state === 'open' || outgoing.state === 'eof') && send) {
      send.call(internals._client?._protocol, outgoing.id, name);
    } else {
      channel.signal(name);
    }
  } catch {
    // the channel is already gone
  }
}
