import { open } from 'node:fs/promises';
import { FieldbookError } from '../errors.js';
import { listRunIds, runPaths, type RunPaths } from '../journal/run-dir.js';
import type { RunState } from '../journal/state.js';
import { isOpen, summarizeRun, waitingText, type RunSummary } from './run-summary.js';

export interface OpenRun {
  paths: RunPaths;
  summary: RunSummary;
}

/**
 * Live runs on a site that are not finished (running, paused, crashed), oldest first. Such a run holds the site
 * between its processes, when no lock does: a new run there could undo its work (a backup written again over the
 * archive a wipe relies on).
 */
export async function openRunsOn(runsDir: string, site: string): Promise<OpenRun[]> {
  const open: OpenRun[] = [];
  for (const id of await listRunIds(runsDir)) {
    const paths = runPaths(`${runsDir}/${id}`);
    // Most runs are another site's: the first line says which, without reading the whole journal.
    const named = await siteOf(paths.journal);
    if (named !== undefined && named !== site) continue;
    const summary = await summarizeRun(paths).catch(() => undefined);
    if (summary && summary.state.site.name === site && isOpen(summary)) open.push({ paths, summary });
  }
  return open;
}

/** The refusal of a new live run on a site with an open run: which run, where it stopped, what it did, the ways on. */
export function openRunRefusal(site: string, runs: OpenRun[], runsDirFlag: string): FieldbookError {
  const lines = [`site ${site} has ${runs.length === 1 ? 'an open run' : `${runs.length} open runs`}; a new run there could undo what ${runs.length === 1 ? 'it' : 'they'} did`];
  for (const { paths, summary } of runs) {
    const { state } = summary;
    const acted = state.actedDestructively.length ? `destructive steps already run: ${state.actedDestructively.join(', ')}` : 'no destructive step has run yet';
    lines.push(`  ${paths.id} (${state.runbook.name}, started ${state.startedAt} by ${state.startedBy.user}@${state.startedBy.host}): ${stoppedAt(state)}, ${waitingText(summary) ?? summary.condition}; ${acted}`);
  }
  const id = runs[runs.length - 1]!.paths.id;
  lines.push(`  go on with it:       fieldbook resume ${id}${runsDirFlag}`, `  or end it for good:  fieldbook abandon ${id}${runsDirFlag} --reason "<why>"`);
  return new FieldbookError('refused', lines.join('\n'));
}

/** `at step wipe-bucket`: the first step left unfinished, or the last one reached. */
function stoppedAt(state: RunState): string {
  const steps = [...state.steps.values()];
  const open = steps.find((s) => s.status === 'running' || s.status === 'failed') ?? steps.findLast((s) => s.status !== 'pending');
  return open ? `at step ${open.id}` : 'before its first step';
}

/** The site named by a journal's first line (`run-started`), read alone; undefined when that cannot tell. */
async function siteOf(journal: string): Promise<string | undefined> {
  const handle = await open(journal, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buffer = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const first = JSON.parse(text.slice(0, text.indexOf('\n'))) as { site?: { name?: unknown } };
    return typeof first.site?.name === 'string' ? first.site.name : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
