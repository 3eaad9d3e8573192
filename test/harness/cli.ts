import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The built CLI; `npm test` builds first. */
export const CLI = resolve(import.meta.dirname, '..', '..', 'bin', 'fieldbook.js');
export const REPO = resolve(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the test killed it (killAfterEvents / killAfterMs). */
  killed: boolean;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
  /** SIGKILL the CLI once the journal has this many step and unit events (then after `delayMs` more). */
  killAt?: { journal: string; events: number; delayMs?: number };
  /** Send this signal after this many milliseconds. */
  signalAfter?: { ms: number; signal: NodeJS.Signals };
  /** Send this signal once stdout holds `text` (the run got that far: no race with the CLI's start-up). */
  signalWhen?: { stdout: string; signal: NodeJS.Signals; delayMs?: number };
  input?: string;
  /** The program to run instead of bin/fieldbook.js (the single file, say). */
  program?: string;
}

/** Run `fieldbook <args>` as a real process with a private FIELDBOOK_HOME under cwd. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [options.program ?? CLI, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: options.cwd, FIELDBOOK_HOME: join(options.cwd, '.fieldbook'), LANG: 'C.UTF-8', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const when = options.signalWhen;
      if (when && !signalled && stdout.includes(when.stdout)) {
        signalled = true;
        if (when.delayMs) setTimeout(() => (killed = child.kill(when.signal)), when.delayMs);
        else killed = child.kill(when.signal);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.input ?? '');
    let poll: NodeJS.Timeout | undefined;
    if (options.killAt) {
      const { journal, events, delayMs = 0 } = options.killAt;
      poll = setInterval(() => {
        if (stepEvents(journal) < events) return;
        clearInterval(poll);
        setTimeout(() => (killed = child.kill('SIGKILL')), delayMs);
      }, 1);
    }
    const timer = options.signalAfter ? setTimeout(() => (killed = child.kill(options.signalAfter!.signal)), options.signalAfter.ms) : undefined;
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      if (timer) clearTimeout(timer);
      done({ code, signal, stdout, stderr, killed });
    });
  });
}

/** How many step and unit events a journal holds (run-level events such as run-resumed are not counted). */
export function stepEvents(journal: string): number {
  if (!existsSync(journal)) return 0;
  return readFileSync(journal, 'utf8').split('\n').filter((l) => /^\{"type":"(step|unit)-/.test(l)).length;
}

/** Write a file (relative to dir) and return its path. */
export function writeFixture(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export const SITE_LOCAL = `apiVersion: fieldbook/v1
kind: Site
metadata: { name: lab }
`;
