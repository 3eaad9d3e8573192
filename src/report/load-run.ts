import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { JournalEvent } from '../journal/events.js';
import { readJournal } from '../journal/journal-file.js';
import { readLock } from '../journal/lock.js';
import { readIfExists, type RunPaths } from '../journal/run-dir.js';
import { parseText } from '../schema/load.js';
import type { Runbook } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';
import { buildReport, type ReportInputs } from './build-report.js';
import type { Report } from './model.js';

/** Read everything a report needs from a run directory. */
export async function loadReportInputs(paths: RunPaths, generatedBy: string): Promise<ReportInputs> {
  const { events, tornTail } = await readJournal(paths.journal);
  const runbook = await parseCopy<Runbook>(paths.runbook, 'Runbook');
  const site = await parseCopy<Site>(paths.site, 'Site');
  const logs = new Map<string, string>();
  for (const file of await filesUnder(paths.logs)) {
    if (!file.endsWith('.log')) continue;
    logs.set(relative(paths.dir, file).split(sep).join('/'), await readFile(file, 'utf8'));
  }
  const lock = await readLock(paths.lock);
  const live = lock.state === 'held' && lock.alive !== 'no';
  return {
    events: events as JournalEvent[],
    ...(runbook ? { runbook } : {}),
    ...(site ? { site } : {}),
    logs,
    live,
    ...(tornTail ? { tornTail: true } : {}),
    generatedBy,
  };
}

/** The report of the run in `paths`. */
export async function loadReport(paths: RunPaths, generatedBy: string): Promise<Report> {
  return buildReport(await loadReportInputs(paths, generatedBy));
}

/** A run's runbook or site copy; a damaged or missing copy leaves the report to the journal alone. */
async function parseCopy<T>(path: string, kind: 'Runbook' | 'Site'): Promise<T | undefined> {
  const text = await readIfExists(path);
  if (text === undefined) return undefined;
  try {
    return parseText(path, text, kind).value as T;
  } catch {
    return undefined;
  }
}

/** Every regular file under `dir`, sorted; none when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
