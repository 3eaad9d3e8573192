/**
 * The one interface every transport (local, ssh, kubectl) implements. The engine hands it a resolved command
 * and gets back streamed output and an outcome; it never learns how the bytes travelled.
 */

/**
 * What to run: a script sent on stdin to a shell (never in argv), an argv executed without a shell, or a
 * kubectl invocation (the kubectl transport turns it into kubectl's argv and, for exec, a script on stdin).
 */
export type Command =
  | { kind: 'script'; script: string; shell: 'bash' | 'sh' }
  | { kind: 'argv'; argv: readonly string[]; input?: string }
  | { kind: 'kubectl'; kube: KubeSettings; args: readonly string[] }
  | { kind: 'kubectl-exec'; kube: KubeSettings; exec: KubeExecTarget; script: string };

/** The site's kube settings, applied to every kubectl invocation. */
export interface KubeSettings {
  context?: string;
  namespace?: string;
  kubeconfig?: string;
}

/** Which container a kubectl exec enters. */
export interface KubeExecTarget {
  namespace?: string;
  pod?: string;
  selector?: string;
  container?: string;
  shell: 'sh' | 'bash';
  /** `all`: the step fans out over every Running pod the selector matches (the engine sets `pod` per unit). */
  pods?: 'all';
}

/** Where to run it. `local` is the operator's machine; `host` is a site host reached over SSH. */
export type Target =
  | { kind: 'local' }
  | { kind: 'host'; host: HostTarget };

/** A site host as the transport needs it: everything resolved from the site file and ~/.ssh/config. */
export interface HostTarget {
  name: string;
  address: string;
  port?: number;
  user?: string;
  identityFile?: string;
  /** Chain of jump hosts, outermost first. */
  jump?: HostTarget[];
  become?: 'sudo';
}

export interface ExecRequest {
  target: Target;
  command: Command;
  /** Extra environment for the process (local) or exported before the script (remote). Never secrets. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Kill the process after this many milliseconds; the outcome is then `timeout`. */
  timeoutMs?: number;
  /** Aborting cancels the process; the outcome is then `cancelled`. */
  signal?: AbortSignal;
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
  /**
   * The command must not act before this resolves (the engine's `unit-started` is then durable). Meanwhile the
   * transport may prepare what does nothing by itself: connect, open the session, start the shell that waits for
   * its script on stdin. A script is written only then; an argv command, which acts as it starts, and a detached
   * one start only then. When it rejects, nothing is delivered and the outcome is `cancelled`.
   */
  startGate?: Promise<void>;
  /**
   * Run detached on a host: the command survives a dropped connection (and the operator's machine), and the
   * same key reattaches instead of running it again. Ignored for local targets.
   */
  detach?: DetachRequest;
}

/** Bytes of stdout and stderr already delivered, so a reattach neither loses nor repeats output. */
export interface OutputOffsets {
  stdout: number;
  stderr: number;
}

export interface DetachRequest {
  /** Unique per (step, host, item, attempt) within the run. */
  key: string;
  /** Remote directory of the run's detached steps (relative to the login user's home). */
  runDir: string;
  offsets?: OutputOffsets;
  onOffsets?: (offsets: OutputOffsets) => void;
}

/**
 * How an execution ended. `refused`: the command certainly never started (no such pod, the cluster said no).
 * `exited` may carry a note that explains a failure (`kubectl: Forbidden ...`). `unknown`: the transport cannot
 * tell whether the command finished or what it
 * returned (a dropped connection, a missing exit status): never treat it as success.
 */
export type ExecOutcome =
  | { kind: 'exited'; exitCode: number; note?: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'signalled'; signal: string }
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'unknown'; reason: string };

export interface ExecResult {
  outcome: ExecOutcome;
  durationMs: number;
}

export interface Transport {
  exec(request: ExecRequest): Promise<ExecResult>;
  /** Close connections held open for reuse. */
  close(): Promise<void>;
}

/** kubectl's global flags for the site's settings. */
export function kubeFlags(kube: KubeSettings, namespace?: string): string[] {
  const flags: string[] = [];
  if (kube.kubeconfig) flags.push('--kubeconfig', kube.kubeconfig);
  if (kube.context) flags.push('--context', kube.context);
  const ns = namespace ?? kube.namespace;
  if (ns) flags.push('--namespace', ns);
  return flags;
}

/** The transports of a run behind one door: each request goes to the one that can carry it. */
export interface TransportSet {
  exec(request: ExecRequest): Promise<ExecResult>;
  /** Running pods matching a kubectl exec's selector (`pods: all`); output callbacks are not used. */
  listPods(request: ExecRequest): Promise<{ pods: string[] } | { refused: string }>;
  closeAll(): Promise<void>;
}
