// Runs the real kubectl against a test API server, asynchronously (the server lives in the same process).
import { spawn } from 'node:child_process';
import type { KubeApi } from './api-server.js';

export interface KubectlResult {
  /** Exit code; null when kubectl was killed (see `signal`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The kubectl binary the tests use: $KUBECTL, else `kubectl` on PATH. */
export const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';

export interface RunKubectlOptions {
  input?: string;
  /** Kill kubectl after this long. @default 20_000 */
  timeoutMs?: number;
  /** Extra environment on top of the server's (KUBECONFIG, KUBECACHEDIR, HOME). */
  env?: Record<string, string>;
}

/** Runs `kubectl <args>` with the server's kubeconfig, a private cache dir and a HOME inside the server's temp dir. */
export function runKubectl(api: KubeApi, args: string[], options: RunKubectlOptions = {}): Promise<KubectlResult> {
  const started = Date.now();
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...api.env(), ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = error.code === 'ENOENT' ? ` — kubectl is not installed or not on PATH (set KUBECTL=/path/to/kubectl); see .ci/run` : '';
      reject(new Error(`cannot run ${KUBECTL}: ${error.message}${hint}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export interface KubectlVersion {
  gitVersion: string;
  minor: number;
}

/** Asks the kubectl binary for its version; rejects with a message saying how to get one when it is missing. */
export function kubectlClientVersion(): Promise<KubectlVersion> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', KUBECONFIG: '/dev/null' };
    const child = spawn(KUBECTL, ['version', '--client', '-o', 'json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', (error) =>
      reject(new Error(`kubectl is required by the kube tests and was not found (${KUBECTL}: ${error.message}). Install it (.ci/run does) or set KUBECTL=/path/to/kubectl.`, { cause: error })),
    );
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit code ${String(code)}: ${err.trim()}`);
        const { clientVersion } = JSON.parse(out) as { clientVersion: { gitVersion: string; minor: string } };
        resolve({ gitVersion: clientVersion.gitVersion, minor: Number.parseInt(clientVersion.minor, 10) });
      } catch (error) {
        reject(new Error(`${KUBECTL} version --client failed: ${(error as Error).message}`, { cause: error }));
      }
    });
  });
}
