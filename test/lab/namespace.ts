// Lab "machines": a Node entry point started in its own mount (and UTS) namespace with `unshare`, after shell
// setup lines (bind mounts, hostname) run inside it as root. It reports readiness as one `READY <json>` line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface NamespaceOptions {
  /** Shell lines run inside the new namespace before the entry point replaces the shell. */
  setup: string[];
  /** Compiled lab entry point (a .js file) and its arguments. */
  entry: string;
  args: string[];
  /** Also a private hostname (`hostname` in setup sets it). @default false */
  uts?: boolean;
  env?: Record<string, string>;
  /** Where the entry's stderr goes (the lab daemon's log). */
  onLog: (line: string) => void;
  /** @default 30000 */
  timeoutMs?: number;
}

export interface NamespaceProcess<T> {
  pid: number;
  info: T;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it exited. */
  stop(): Promise<void>;
}

/** Starts the entry in new namespaces and waits for its READY line. */
export function startInNamespace<T>(options: NamespaceOptions): Promise<NamespaceProcess<T>> {
  const script = [...options.setup, 'exec "$@"'].join(' && ');
  const flags = ['--mount', '--propagation', 'private', ...(options.uts ? ['--uts'] : [])];
  const child = spawn('unshare', [...flags, '--', 'sh', '-ec', script, 'sh', process.execPath, options.entry, ...options.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  createInterface({ input: child.stderr! }).on('line', options.onLog);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${options.entry} did not get ready within ${(options.timeoutMs ?? 30_000) / 1000} s`)), options.timeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      void stop().then(() => reject(error));
    };
    const early = (code: number | null, signal: NodeJS.Signals | null) => fail(new Error(`${options.entry} exited (${code ?? signal}) before it was ready`));
    child.once('error', fail);
    child.once('exit', early);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('READY ')) return options.onLog(line);
      clearTimeout(timer);
      child.off('exit', early);
      resolve({ pid: child.pid!, info: JSON.parse(line.slice('READY '.length)) as T, stop });
    });
  });
}

/** The entry-point side: print READY, then run `stop` on SIGTERM/SIGINT and exit. */
export function serveUntilSignalled(info: unknown, stop: () => Promise<void>): void {
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Single-quotes a value for the setup lines. */
export function sq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
