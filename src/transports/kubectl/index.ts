import type { Command, ExecOutcome, ExecRequest, ExecResult, KubeExecTarget, Transport } from '../../schema/transport.js';
import { kubeFlags } from '../../schema/transport.js';
import { diagnoseKubectl } from './diagnose.js';
import { withExitMarker } from './sentinel.js';

export interface KubectlOptions {
  /** Runs argv commands on a target: local, or a host over SSH (`kube.via`). */
  base: Transport;
  /** @default 'kubectl' */
  kubectl?: string;
  /** Discovery cache for kubectl on this machine (a writable directory of fieldbook's own). */
  cacheDir?: string;
}

/** The kubectl transport, plus the list of pods a selector matches (for steps with `pods: all`). */
export interface KubectlTransport extends Transport {
  listPods(request: ExecRequest): Promise<{ pods: string[] } | { refused: string }>;
}

const STDERR_TAIL = 8 * 1024;
const MAX_POD_LIST = 4 * 1024 * 1024;

/**
 * kubectl steps on the real kubectl binary, so the operator's kubeconfig, contexts and auth plugins work as
 * they expect. Runs where the site's `kube.via` says, through `base`. Exec scripts travel on stdin (`-i`, never
 * `-t`) and report their exit status in a marker line, so a dropped stream is never taken for success.
 */
export function createKubectlTransport(options: KubectlOptions): KubectlTransport {
  const kubectl = options.kubectl ?? 'kubectl';
  return {
    async exec(request) {
      const { command } = request;
      if (command.kind === 'kubectl') return runArgs(request, command);
      if (command.kind === 'kubectl-exec') return runExec(request, command);
      return options.base.exec(request);
    },
    async listPods(request) {
      if (request.command.kind !== 'kubectl-exec' || request.command.exec.selector === undefined) throw new Error('listPods needs a kubectl exec with a selector');
      const found = await runningPods(request, request.command);
      if ('outcome' in found) return { refused: found.outcome.kind === 'refused' ? found.outcome.reason : `kubectl get pods failed (${found.outcome.kind})` };
      if (found.running.length === 0) return { refused: `no Running pod matches ${request.command.exec.selector} in ${found.namespace}${found.listed ? `; found ${found.listed}` : ''}` };
      return { pods: found.running };
    },
    close: () => options.base.close(),
  };

  function globalFlags(request: ExecRequest, kube: Extract<Command, { kind: 'kubectl' }>['kube'], namespace?: string): string[] {
    const cache = request.target.kind === 'local' && options.cacheDir ? ['--cache-dir', options.cacheDir] : [];
    return [kubectl, ...cache, ...kubeFlags(kube, namespace)];
  }

  function where(request: ExecRequest): string {
    return request.target.kind === 'local' ? 'this machine' : request.target.host.name;
  }

  /** Run kubectl with a bounded copy of stderr for diagnosis. */
  async function run(request: ExecRequest, argv: string[], input: string | undefined, onStdout: (chunk: Buffer) => void): Promise<{ result: ExecResult; stderr: string }> {
    let stderr = '';
    const result = await options.base.exec({
      ...request,
      command: { kind: 'argv', argv, ...(input !== undefined ? { input } : {}) },
      onStdout,
      onStderr: (chunk) => {
        request.onStderr(chunk);
        stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
      },
    });
    return { result, stderr };
  }

  async function runArgs(request: ExecRequest, command: Extract<Command, { kind: 'kubectl' }>): Promise<ExecResult> {
    const { result, stderr } = await run(request, [...globalFlags(request, command.kube), ...command.args], undefined, request.onStdout);
    return { ...result, outcome: explain(result.outcome, stderr, where(request)) };
  }

  async function runExec(request: ExecRequest, command: Extract<Command, { kind: 'kubectl-exec' }>): Promise<ExecResult> {
    const started = performance.now();
    const { exec } = command;
    let pod = exec.pod;
    if (pod === undefined) {
      const found = await resolvePod(request, command);
      if ('outcome' in found) return { outcome: found.outcome, durationMs: performance.now() - started };
      pod = found.pod;
    }
    const marker = withExitMarker(command.script, exec.shell);
    const argv = [...globalFlags(request, command.kube, exec.namespace), 'exec', '-i', pod, ...(exec.container ? ['-c', exec.container] : []), '--', ...marker.argv];
    const { result, stderr } = await run(request, argv, marker.input, (chunk) => {
      const text = marker.filter.push(chunk.toString());
      if (text) request.onStdout(Buffer.from(text));
    });
    const { rest, exitCode } = marker.filter.end();
    if (rest) request.onStdout(Buffer.from(rest));
    const durationMs = performance.now() - started;
    const outcome = result.outcome;
    if (outcome.kind === 'timeout' || outcome.kind === 'cancelled' || outcome.kind === 'refused') return { outcome, durationMs };
    if (exitCode !== undefined) return { outcome: { kind: 'exited', exitCode }, durationMs };
    const diagnosis = diagnoseKubectl(stderr, where(request));
    if (diagnosis?.refused) return { outcome: { kind: 'refused', reason: diagnosis.reason }, durationMs };
    const how = outcome.kind === 'exited' ? `kubectl exited ${outcome.exitCode}` : outcome.kind === 'signalled' ? `kubectl was killed by ${outcome.signal}` : outcome.reason;
    return { outcome: { kind: 'unknown', reason: `the exec stream into ${pod} ended without the script's exit status (${how}): the connection may have dropped` }, durationMs };
  }

  /** A selector resolves to exactly one Running pod; none or several is an error listing what was found. */
  async function resolvePod(request: ExecRequest, command: Extract<Command, { kind: 'kubectl-exec' }>): Promise<{ pod: string } | { outcome: ExecOutcome }> {
    const found = await runningPods(request, command);
    if ('outcome' in found) return found;
    const { exec } = command;
    if (found.running.length === 1) return { pod: found.running[0]! };
    if (found.running.length === 0) return { outcome: { kind: 'refused', reason: `no Running pod matches ${exec.selector} in ${found.namespace}${found.listed ? `; found ${found.listed}` : ''}` } };
    return { outcome: { kind: 'refused', reason: `${found.running.length} Running pods match ${exec.selector} in ${found.namespace} (${found.listed}); name one with pod:, narrow the selector, or say pods: all` } };
  }

  /** The Running pods a selector matches (`kubectl get pods -l ... -o json`), and all it found, for messages. */
  async function runningPods(request: ExecRequest, command: Extract<Command, { kind: 'kubectl-exec' }>): Promise<{ running: string[]; listed: string; namespace: string } | { outcome: ExecOutcome }> {
    const exec: KubeExecTarget = command.exec;
    let json = '';
    const { result, stderr } = await run(request, [...globalFlags(request, command.kube, exec.namespace), 'get', 'pods', '-l', exec.selector!, '-o', 'json'], undefined, (chunk) => {
      if (json.length < MAX_POD_LIST) json += chunk.toString();
    });
    const namespace = exec.namespace ?? command.kube.namespace ?? 'the default namespace';
    if (result.outcome.kind !== 'exited' || result.outcome.exitCode !== 0) {
      const outcome = explain(result.outcome, stderr, where(request));
      return { outcome: outcome.kind === 'exited' ? { kind: 'refused', reason: outcome.note ?? `kubectl get pods -l ${exec.selector} failed with exit code ${outcome.exitCode}` } : outcome };
    }
    let pods: { name: string; phase: string; deleting: boolean }[];
    try {
      const list = JSON.parse(json) as { items?: { metadata?: { name?: string; deletionTimestamp?: string }; status?: { phase?: string } }[] };
      pods = (list.items ?? []).map((p) => ({ name: p.metadata?.name ?? '?', phase: p.status?.phase ?? 'Unknown', deleting: p.metadata?.deletionTimestamp !== undefined }));
    } catch {
      return { outcome: { kind: 'refused', reason: `kubectl get pods -l ${exec.selector} did not print JSON` } };
    }
    return {
      running: pods.filter((p) => p.phase === 'Running' && !p.deleting).map((p) => p.name),
      listed: pods.map((p) => `${p.name} (${p.deleting ? 'Terminating' : p.phase})`).join(', '),
      namespace,
    };
  }
}

/** Add kubectl's own explanation to a failed exit; a missing kubectl or an unreachable cluster means nothing ran. */
function explain(outcome: ExecOutcome, stderr: string, where: string): ExecOutcome {
  if (outcome.kind !== 'exited' || outcome.exitCode === 0) return outcome;
  if (outcome.exitCode === 127 && (stderr.trim() === '' || /not found/.test(stderr))) return { kind: 'refused', reason: `kubectl is not installed on ${where} (or not on its PATH)` };
  const diagnosis = diagnoseKubectl(stderr, where);
  if (!diagnosis) return outcome;
  return diagnosis.refused && /cannot reach|refused the credentials|not installed|context/.test(diagnosis.reason) ? { kind: 'refused', reason: diagnosis.reason } : { ...outcome, note: diagnosis.reason };
}
