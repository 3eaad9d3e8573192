// One `kubectl exec`: the requested command run as a real process in the pod's sandbox directory, its output
// handed to a stream protocol (WebSocket or SPDY), and the injected faults that cut the connection.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants as fs, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { execExitStatus } from './status.js';

/** What a stream protocol offers to an exec session. */
export interface ExecChannels {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** Sends the status on the error channel and closes the connection cleanly. */
  finish(status: Record<string, unknown>): void;
  /** Drops the connection without a status or a close handshake (a cut cable, a killed proxy). */
  destroy(): void;
}

/** Where to cut an exec's connection. */
export interface CutPlan {
  /** Forward this many bytes of stdout, then destroy the socket. */
  afterStdoutBytes?: number;
  /** Destroy the socket this long after the exec started. */
  afterMs?: number;
}

/** What happened to one exec, for assertions. */
export interface ExecRecord {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  /** `v5.channel.k8s.io`, `v4.channel.k8s.io`, or `SPDY/3.1+v4.channel.k8s.io`. */
  protocol: string;
  /** Exit code of the process; null while it runs, when it was killed by a cut, or could not start. */
  exitCode: number | null;
  cut: boolean;
  stdoutBytes: number;
  stdinBytes: number;
}

export interface ExecSessionOptions {
  record: ExecRecord;
  cwd: string;
  env: Record<string, string>;
  channels: ExecChannels;
  cut?: CutPlan;
  /** A command prefix that runs the command in the pod's namespaces (`nsenter ... --`). @default none */
  enter?: string[];
}

/** The executable `file` names on `path` (or itself when it has a slash), as the container runtime looks it up. */
function lookPath(file: string, path: string): string | undefined {
  const candidates = file.includes('/') ? [file] : path.split(':').filter(Boolean).map((dir) => join(dir, file));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, fs.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** Runs the command at once; the protocol feeds stdin through `stdin()` / `endStdin()`. */
export class ExecSession {
  /** Undefined when the command was not found and never started. */
  private readonly child: ChildProcessWithoutNullStreams | undefined;
  private readonly opts: ExecSessionOptions;
  private timer: NodeJS.Timeout | undefined;
  private over = false;

  constructor(opts: ExecSessionOptions) {
    this.opts = opts;
    const [command = 'sh', ...args] = opts.record.command;
    const [file, argv] = opts.enter === undefined ? [command, args] : [opts.enter[0] ?? 'nsenter', [...opts.enter.slice(1), command, ...args]];
    // Behind a prefix a missing command would be the prefix's own failure: look it up first, as the runtime does
    // (in the server's view of the files, of which the pod's namespace may hide some).
    if (opts.enter !== undefined && lookPath(command, opts.env['PATH'] ?? '') === undefined) {
      this.child = undefined;
      setImmediate(() => this.onSpawnError(Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT' })));
      return;
    }
    // Its own process group, so that a cut or a stop also ends what the command started (`sleep` under `sh`).
    const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child = child;
    child.stdin.on('error', () => {}); // EPIPE when the command does not read its stdin
    child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (!this.over) opts.channels.stderr(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => this.onSpawnError(error));
    child.on('close', (code, signal) => this.onClose(code, signal));
    if (opts.cut?.afterMs !== undefined) this.timer = setTimeout(() => this.cut(), opts.cut.afterMs);
  }

  stdin(chunk: Buffer): void {
    this.opts.record.stdinBytes += chunk.length;
    if (this.child && !this.child.stdin.destroyed) this.child.stdin.write(chunk);
  }

  endStdin(): void {
    if (this.child && !this.child.stdin.destroyed) this.child.stdin.end();
  }

  /** The client went away: stop the process. */
  abandon(): void {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.timer);
    this.kill();
  }

  private kill(): void {
    try {
      if (this.child?.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  private onStdout(chunk: Buffer): void {
    if (this.over) return;
    const limit = this.opts.cut?.afterStdoutBytes;
    const record = this.opts.record;
    if (limit !== undefined && record.stdoutBytes + chunk.length >= limit) {
      const head = chunk.subarray(0, limit - record.stdoutBytes);
      record.stdoutBytes += head.length;
      if (head.length > 0) this.opts.channels.stdout(head);
      // Let the head reach the socket before dropping it, as a connection cut mid-stream would.
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.cut(), 50);
      this.over = true;
      return;
    }
    record.stdoutBytes += chunk.length;
    this.opts.channels.stdout(chunk);
  }

  private cut(): void {
    this.over = true;
    clearTimeout(this.timer);
    this.opts.record.cut = true;
    this.kill();
    this.opts.channels.destroy();
  }

  private onSpawnError(error: NodeJS.ErrnoException): void {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.timer);
    const file = this.opts.record.command[0] ?? '';
    const why = error.code === 'ENOENT' ? `exec: "${file}": executable file not found in $PATH` : error.message;
    const message = `Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: ${why}: unknown`;
    this.opts.channels.finish({ metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 });
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.timer);
    const exitCode = code ?? 128 + (signal === null ? 0 : constants.signals[signal]);
    this.opts.record.exitCode = exitCode;
    this.opts.channels.finish(execExitStatus(this.opts.record.command, exitCode));
  }
}
