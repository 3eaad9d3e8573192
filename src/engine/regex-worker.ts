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
const { parentPort, workerData } = require('node:worker_threads');
const { jobs, texts } = workerData;
const shape = (m) => ({ groups: [...m], named: m.groups ? { ...m.groups } : undefined });
parentPort.postMessage(jobs.map((job) => {
  const text = texts[job.from];
  if (job.all) return [...text.matchAll(new RegExp(job.pattern, 'gmu'))].map(shape);
  const m = new RegExp(job.pattern, 'mu').exec(text);
  return m ? [shape(m)] : [];
}));
`;

/**
 * Run capture regexes in a worker thread that is terminated when the budget runs out or the signal aborts.
 * Text from a host decides how long a backtracking regex takes (`(a+)+$` on forty `a`s and a `!` takes
 * minutes); on the main thread it would block the step's timeout, Ctrl-C and every other unit.
 */
export function matchBounded(jobs: readonly RegexJob[], texts: { stdout: string; stderr: string }, bounds: RegexBounds): Promise<RegexOutcome> {
  if (jobs.length === 0) return Promise.resolve({ matches: [] });
  if (bounds.signal?.aborted) return Promise.resolve({ stopped: 'interrupted' });
  // Only the streams a job reads are copied into the worker.
  const wanted = { stdout: jobs.some((j) => j.from === 'stdout') ? texts.stdout : '', stderr: jobs.some((j) => j.from === 'stderr') ? texts.stderr : '' };
  return new Promise((done) => {
    const worker = new Worker(SOURCE, { eval: true, workerData: { jobs, texts: wanted } });
    let settled = false;
    const settle = (outcome: RegexOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      bounds.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      done(outcome);
    };
    const onAbort = () => settle({ stopped: 'interrupted' });
    const timer = setTimeout(() => settle({ stopped: 'timeout' }), bounds.budgetMs);
    bounds.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (matches: RegexMatch[][]) => settle({ matches }));
    worker.once('error', (error) => settle({ error: error.message }));
    worker.once('exit', (code) => settle({ error: `the regex worker exited (code ${code})` }));
  });
}
