import { constants } from 'node:fs';
import { access, open, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FieldbookError } from '../errors.js';
import { runPaths, type RunPaths } from '../journal/run-dir.js';
import { shellWord } from '../template/shell-quote.js';
import type { RunState } from '../journal/state.js';
import { isOpen, summarizeRun, waitingText, type RunSummary } from './run-summary.js';

/** A run that holds its site, or a run directory that cannot be read, which may (fail closed). */
export type OpenRun = { paths: RunPaths; summary: RunSummary } | { paths: RunPaths; unreadable: string };

/**
 * Live runs on a site that are not finished (running, paused, crashed), oldest first. Such a run holds the site
 * between its processes, when no lock does: a new run there could undo its work (a backup written again over the
 * archive a wipe relies on). A run whose journal or directory this user cannot read may be such a run: it is
 * counted too (a root run beside a user's, one damaged line), never silently passed over.
 */
export async function openRunsOn(runsDir: string, site: string): Promise<OpenRun[]> {
  const open: OpenRun[] = [];
  for (const id of await runDirNames(runsDir)) {
    const paths = runPaths(join(runsDir, id));
    const unreadable = await cannotRead(paths);
    if (unreadable === 'not a run') continue;
    if (unreadable) {
      open.push({ paths, unreadable });
      continue;
    }
    // Most runs are another site's: the first line says which, without reading the whole journal.
    const named = await siteOf(paths.journal);
    if (named !== undefined && named !== site) continue;
    try {
      const summary = await summarizeRun(paths);
      if (summary.state.site.name === site && isOpen(summary)) open.push({ paths, summary });
    } catch (error) {
      open.push({ paths, unreadable: error instanceof Error ? error.message : String(error) });
    }
  }
  return open;
}

/** The refusal of a run on a site with an open run: which run, where it stopped, what it did, the ways on. */
export function openRunRefusal(site: string, runs: OpenRun[], runsDirFlag: string, starting = 'a new run'): FieldbookError {
  const lines = [`site ${site} has ${runs.length === 1 ? 'an open run' : `${runs.length} open runs`}; ${starting} there could undo what ${runs.length === 1 ? 'it' : 'they'} did`];
  for (const run of runs) {
    if ('unreadable' in run) {
      lines.push(`  ${run.paths.id}: cannot be read (${run.unreadable}), so it may be open on this site: make it readable, or move it out of ${dirname(run.paths.dir)}`);
      continue;
    }
    const { state } = run.summary;
    const acted = state.actedDestructively.length ? `destructive steps already run: ${state.actedDestructively.join(', ')}` : 'no destructive step has run yet';
    lines.push(`  ${run.paths.id} (${state.runbook.name}, started ${state.startedAt} by ${state.startedBy.user}@${state.startedBy.host}): ${stoppedAt(state)}, ${waitingText(run.summary) ?? run.summary.condition}; ${acted}`);
  }
  const id = shellWord(runs[runs.length - 1]!.paths.id);
  lines.push(`  go on with it:       fieldbook resume ${id}${runsDirFlag}`, `  or end it for good:  fieldbook abandon ${id}${runsDirFlag} --reason "<why>"`);
  return new FieldbookError('refused', lines.join('\n'));
}

/** Directories in the runs directory that may be runs (hidden ones are fieldbook's own: locks, runs being made). */
async function runDirNames(runsDir: string): Promise<string[]> {
  const entries = await readdir(runsDir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/** Why a run directory cannot be read by this user; `not a run` for a readable directory without a journal. */
async function cannotRead(paths: RunPaths): Promise<string | undefined> {
  try {
    await access(paths.dir, constants.R_OK | constants.X_OK);
  } catch {
    return 'permission denied on its directory';
  }
  try {
    await access(paths.journal, constants.R_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not a run' : 'permission denied on its journal';
  }
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
