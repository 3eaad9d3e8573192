import type { JournalEvent } from '../journal/events.js';
import { readJournal } from '../journal/journal-file.js';
import { findRun } from '../journal/run-dir.js';
import type { ParamValue } from '../schema/common.js';
import type { Runbook } from '../schema/runbook.js';

/** Where a run's params came from that `--like` carries over: what an operator chose, not what a site or default gave. */
const CHOSEN = new Set(['param', 'params-file', 'like']);

/** The params of an earlier run that `run --like` reuses, and what the operator should know about them. */
export interface LikeParams {
  runId: string;
  values: Record<string, ParamValue>;
  notes: string[];
}

/**
 * The non-secret params the operator gave an earlier run (`--param`, `--params-file`, or its own `--like`).
 * Values that came from that run's site or the runbook's defaults are not carried over: on another site they
 * come from that site and the runbook again. Secrets are never recorded, so they are asked for as usual.
 */
export async function likeParams(arg: string, runsDir: string, cwd: string, runbook: Runbook): Promise<LikeParams> {
  const paths = await findRun(arg, runsDir, cwd);
  const { events } = await readJournal(paths.journal);
  const started = events[0] as JournalEvent;
  if (started.type !== 'run-started') throw new Error(`${paths.journal} does not begin with run-started`);
  const notes: string[] = [];
  if (started.runbook.name !== runbook.metadata.name) notes.push(`--like ${started.runId}: that run was of runbook ${started.runbook.name}, not ${runbook.metadata.name}; only params of the same name are reused`);
  const values: Record<string, ParamValue> = {};
  const dropped: string[] = [];
  for (const [name, param] of Object.entries(started.params)) {
    if (param.secret || param.value === undefined || !CHOSEN.has(param.source)) continue;
    if (Object.hasOwn(runbook.params, name) && !runbook.params[name]!.secret) values[name] = param.value;
    else dropped.push(name);
  }
  if (dropped.length) notes.push(`--like ${started.runId}: the runbook has no param ${dropped.join(', ')}; not reused`);
  return { runId: started.runId, values, notes };
}
