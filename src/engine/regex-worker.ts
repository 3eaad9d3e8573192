import { Worker } from 'node:worker_threads';

/** One capture regex over one of a unit's streams. */
export interface RegexJob {
  pattern: string;
  from: 'stdout' | 'stderr';
  /** Every match (flag `g`), not only the first. */
  all: boolean;
}

/** One match: its numbered groups (0 is the whole match) and its named groups. */
export interface RegexMatch {
  groups: Array<string | undefined>;
  named: Record<string, string | undefined> | undefined;
}

/** The matches of each job, in order; or why there are none: out of time, the operator, or a failure. */
export type RegexOutcome = { matches: RegexMatch[][] } | { stopped: 'timeout' | 'interrupted' } | { error: string };

/** The time a regex may take, and the signal that ends it at once (Ctrl-C). */
export interface RegexBounds {
  budgetMs: number;
  signal?: AbortSignal;
}

// Plain JavaScript evaluated as the worker's script: no file to find, so it works from dist/, the single-file
// bundle and the tests alike. It only matches; picking groups stays on the main thread.
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const shape = (m) => ({ groups: [...m], named: m.groups ? { ...m.groups } : undefined });
parentPort.on('message', ({ jobs, texts }) => {
  parentPort.postMessage(jobs.map((job) => {
    const text = texts[job.from];
    if (job.all) return [...text.matchAll(new RegExp(job.pattern, 'gmu'))].map(shape);
    const m = new RegExp(job.pattern, 'mu').exec(text);
    return m ? [shape(m)] : [];
  }));
});
`;

/** Workers kept warm between units (starting one costs tens of milliseconds, a foreach may have hundreds of units). */
const MAX_IDLE = 2;
const idle: Worker[] = [];

function takeWorker(): Worker {
  const reused = idle.pop();
  if (reused) return reused;
  const worker = new Worker(SOURCE, { eval: true });
  // An idle worker must not keep fieldbook running once everything else is done.
  worker.unref();
  // One that dies while idle is dropped; without a listener its 'error' would end the process.
  const drop = () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  };
  worker.on('error', drop).on('exit', drop);
  return worker;
}

function giveBack(worker: Worker): void {
  if (idle.length < MAX_IDLE) idle.push(worker);
  else void worker.terminate();
}

/**
 * Run capture regexes in a worker thread that is terminated when the budget runs out or the signal aborts.
 * Text from a host decides how long a backtracking regex takes (`(a+)+$` on forty `a`s and a `!` takes
 * hours); on the main thread it would block the step's timeout, Ctrl-C and every other unit. Each request has
 * a worker of its own: one unit's runaway regex never holds up another's.
 */
export function matchBounded(jobs: readonly RegexJob[], texts: { stdout: string; stderr: string }, bounds: RegexBounds): Promise<RegexOutcome> {
  if (jobs.length === 0) return Promise.resolve({ matches: [] });
  if (bounds.signal?.aborted) return Promise.resolve({ stopped: 'interrupted' });
  // Only the streams a job reads are copied into the worker.
  const wanted = { stdout: jobs.some((j) => j.from === 'stdout') ? texts.stdout : '', stderr: jobs.some((j) => j.from === 'stderr') ? texts.stderr : '' };
  const worker = takeWorker();
  return new Promise((done) => {
    const settle = (outcome: RegexOutcome, reusable: boolean) => {
      clearTimeout(timer);
      bounds.signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (reusable) giveBack(worker);
      else void worker.terminate();
      done(outcome);
    };
    const onMessage = (matches: RegexMatch[][]) => settle({ matches }, true);
    const onError = (error: Error) => settle({ error: error.message }, false);
    const onExit = (code: number) => settle({ error: `the regex worker exited (code ${code})` }, false);
    const onAbort = () => settle({ stopped: 'interrupted' }, false);
    const timer = setTimeout(() => settle({ stopped: 'timeout' }, false), bounds.budgetMs);
    bounds.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage({ jobs, texts: wanted });
  });
}
