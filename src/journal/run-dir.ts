import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { FieldbookError, UsageError } from '../errors.js';
import type { JournalEvent } from './events.js';
import { fsyncDir, openJournal, type JournalWriter } from './journal-file.js';
import { MAX_RUN_ID_LENGTH } from '../schema/common.js';

/** SPEC section 3: $FIELDBOOK_HOME/runs, else $XDG_STATE_HOME/fieldbook/runs, else ~/.local/state/fieldbook/runs. */
export function defaultRunsDir(env: NodeJS.ProcessEnv): string {
  if (env['FIELDBOOK_HOME']) return join(env['FIELDBOOK_HOME'], 'runs');
  if (env['XDG_STATE_HOME']) return join(env['XDG_STATE_HOME'], 'fieldbook', 'runs');
  return join(env['HOME'] ?? homedir(), '.local', 'state', 'fieldbook', 'runs');
}

/** The files of one run directory (SPEC section 4). */
export interface RunPaths {
  dir: string;
  id: string;
  journal: string;
  runbook: string;
  site: string;
  lock: string;
  logs: string;
}

export function runPaths(dir: string): RunPaths {
  return {
    dir,
    id: basename(dir),
    journal: join(dir, 'journal.jsonl'),
    runbook: join(dir, 'runbook.yaml'),
    site: join(dir, 'site.yaml'),
    lock: join(dir, 'lock'),
    logs: join(dir, 'logs'),
  };
}

/** `20261122-223000-acp-registry-full-wipe-3f2a`: sortable, readable, unique. */
export function newRunId(runbookName: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${runbookName}-${randomBytes(2).toString('hex')}`;
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A run id is a directory name: letters, digits, ".", "_" and "-", not hidden, at most MAX_RUN_ID_LENGTH. */
export function checkRunId(id: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(id) || id.startsWith('.')) throw new UsageError(`--run-id ${id}: use letters, digits, ".", "_" and "-"`);
  if (id.length > MAX_RUN_ID_LENGTH) throw new UsageError(`--run-id ${id.slice(0, 20)}...: at most ${MAX_RUN_ID_LENGTH} characters (found ${id.length})`);
}

/** Create the runs directory when missing; a place that cannot hold runs is the operator's to change (exit 2). */
export async function makeRunsDir(runsDir: string): Promise<void> {
  try {
    await mkdir(runsDir, { recursive: true });
  } catch (error) {
    throw unusableRunsDir(runsDir, await realCause(runsDir, error));
  }
}

/**
 * The runs directory and its `.locks`, created when missing. `.locks` with a plain mkdir: Node's recursive one
 * never returns under /proc, where the runs directory exists yet nothing can be created.
 */
export async function makeLocksDir(runsDir: string): Promise<string> {
  await makeRunsDir(runsDir);
  const locks = join(runsDir, '.locks');
  await mkdir(locks).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unusableRunsDir(runsDir, error);
  });
  return locks;
}

/**
 * Node's recursive mkdir reports ENOENT for a read-only file system (EROFS) and some others: one plain mkdir of
 * the first missing directory on the way gives the kernel's own answer.
 */
async function realCause(runsDir: string, error: unknown): Promise<unknown> {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error;
  let missing = runsDir;
  while (dirname(missing) !== missing && !existsSync(dirname(missing))) missing = dirname(missing);
  try {
    await mkdir(missing);
    return error;
  } catch (plain) {
    return plain;
  }
}

/** Why a runs directory cannot be used, in words, for the errors mkdir gives. */
const CANNOT: Record<string, string> = {
  EEXIST: 'it is a file, not a directory',
  ENOTDIR: 'part of the path is a file, not a directory',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'the file system does not allow it',
  // /proc, /sys: the directory is there, yet nothing can be created in it.
  ENOENT: 'nothing can be created there (a /proc or /sys path?)',
  ENAMETOOLONG: 'the path is too long',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

function unusableRunsDir(runsDir: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const why = CANNOT[code] ?? (error instanceof Error ? error.message : String(error));
  return new UsageError(`runs directory ${runsDir} cannot hold runs: ${why}; choose another with --runs-dir`, { cause: error });
}

/**
 * Create a run directory holding copies of the runbook and site and a journal holding its first event, each file
 * and the directories fsynced. It is built under a hidden name and renamed into place, so a run directory never
 * exists without its journal (a start killed half-way leaves only a hidden directory, which nothing lists).
 */
export async function createRunDir(runsDir: string, id: string, runbookText: string, siteText: string, first: JournalEvent): Promise<{ paths: RunPaths; journal: JournalWriter }> {
  checkRunId(id);
  await makeRunsDir(runsDir);
  const paths = runPaths(join(runsDir, id));
  if (existsSync(paths.dir)) throw runExists(paths, runsDir);
  const staging = runPaths(join(runsDir, `.new-${id}-${randomBytes(4).toString('hex')}`));
  await mkdir(staging.dir).catch((error: unknown) => {
    throw unusableRunsDir(runsDir, error);
  });
  let journal: JournalWriter | undefined;
  try {
    // Independent, so together: concurrent fsyncs share the file system's journal commits.
    await Promise.all([mkdir(staging.logs), writeDurable(staging.runbook, runbookText), writeDurable(staging.site, siteText)]);
    journal = await openJournal(staging.journal);
    await journal.append(first);
    await fsyncDir(staging.dir);
    // rename(2) would replace an empty directory of that name; a run that appeared meanwhile is never replaced.
    if (existsSync(paths.dir)) throw runExists(paths, runsDir);
    await rename(staging.dir, paths.dir);
    await fsyncDir(runsDir);
  } catch (error) {
    await journal?.close().catch(() => undefined);
    await rm(staging.dir, { recursive: true, force: true });
    throw error;
  }
  return { paths, journal };
}

function runExists(paths: RunPaths, runsDir: string): UsageError {
  if (!existsSync(paths.journal)) return new UsageError(`${paths.dir} is in the way: a directory without a journal, not a run; move it aside or choose another --run-id`);
  return new UsageError(`run ${paths.id} already exists in ${runsDir}; resume it with: fieldbook resume ${paths.id}`);
}

async function writeDurable(path: string, text: string): Promise<void> {
  await writeFile(path, text, { flush: true });
}

/**
 * A `<run>` argument: a run id (or a unique part of one) in the runs directory, or a run directory given as a path
 * (`./x`, `../x`, `/abs/x`: anything with a slash). A bare word never means a directory in the working directory:
 * an extracted export lying there must not stand in for the run it copies.
 */
export async function findRun(arg: string, runsDir: string, cwd: string): Promise<RunPaths> {
  if (arg.includes('/')) {
    const dir = resolve(cwd, arg);
    if (existsSync(join(dir, 'journal.jsonl'))) return runPaths(dir);
    throw new UsageError(`${arg}: no run directory there (no journal.jsonl in ${dir})`);
  }
  const byId = join(runsDir, arg);
  if (/^[A-Za-z0-9._-]+$/.test(arg) && !arg.startsWith('.') && existsSync(join(byId, 'journal.jsonl'))) return runPaths(byId);
  const ids = await listRunIds(runsDir);
  const matches = ids.filter((id) => id.includes(arg));
  if (matches.length === 1) return runPaths(join(runsDir, matches[0]!));
  if (matches.length > 1) throw new UsageError(`"${arg}" matches ${matches.length} runs (${matches.slice(0, 3).join(', ')}${matches.length > 3 ? ', ...' : ''}); give more of the id`);
  const here = existsSync(join(cwd, arg, 'journal.jsonl')) ? `; for the run directory ${join(cwd, arg)}, give it as ./${arg}` : '';
  throw new UsageError(`no run "${arg}" in ${runsDir}${here}; see fieldbook runs`);
}

/** Run ids in a runs directory, oldest first. */
export async function listRunIds(runsDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(runsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UsageError(`runs directory ${runsDir} is a file, not a directory; choose another with --runs-dir`);
    throw new FieldbookError('journal', `cannot read runs directory ${runsDir}: ${(error as Error).message}`);
  }
  const ids: string[] = [];
  for (const entry of entries.sort()) {
    if (entry.startsWith('.')) continue;
    if ((await stat(join(runsDir, entry)).catch(() => undefined))?.isDirectory() && existsSync(join(runsDir, entry, 'journal.jsonl'))) ids.push(entry);
  }
  return ids;
}

/** Log file of a unit: logs/<step>/<target>.log (foreach items share it, with a header per item). */
export function logPath(paths: RunPaths, step: string, target: string): string {
  return join(paths.logs, step, `${target}.log`);
}

/** Read a file that may be gone; undefined when missing. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
