import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FieldbookError, UsageError } from '../errors.js';
import { fsyncDir } from '../journal/journal-file.js';
import { readInputFile } from '../schema/input-file.js';
import { makeRunsDir, runPaths, sha256, type RunPaths } from '../journal/run-dir.js';
import { EXPORT_FORMAT, MANIFEST, type ExportManifest } from './export-run.js';
import { readTar, type TarEntry } from './tar.js';

/** An archive larger than this unpacked is refused (a gzip bomb, or not a run archive). */
export const MAX_UNPACKED_BYTES = 2 ** 30;

export interface ImportResult {
  paths: RunPaths;
  files: number;
  manifest?: ExportManifest;
}

/**
 * Unpack a run archive (`fieldbook export`) into `runsDir/<run-id>`. Refused: paths that leave the run directory
 * (absolute, `..`, backslashes), anything but files and directories, more than one top directory, a missing
 * journal, a file whose sha256 differs from the manifest, and a run id that already exists there.
 */
export async function importRun(file: string, runsDir: string): Promise<ImportResult> {
  const entries = await readArchive(file);
  const id = runIdOf(entries, file);
  const files = entries.filter((e) => e.type === 'file').map((e) => ({ path: e.path.slice(id.length + 1), data: e.data }));
  if (!files.some((f) => f.path === 'journal.jsonl')) throw new UsageError(`${file}: no ${id}/journal.jsonl in the archive; it is not a fieldbook run archive`);
  const firstLine = files.find((f) => f.path === 'journal.jsonl')!.data.toString('utf8').split('\n', 1)[0] ?? '';
  if (!/^\{"type":"run-started"/.test(firstLine)) throw new UsageError(`${file}: ${id}/journal.jsonl does not begin with run-started; it is not a fieldbook journal`);
  const manifest = verifyManifest(files, file);

  const target = join(runsDir, id);
  if (existsSync(target)) throw new FieldbookError('refused', `run ${id} already exists in ${runsDir}; nothing was imported (import into another --runs-dir, or remove that run first)`);
  await makeRunsDir(runsDir);
  // Unpacked beside the target, then renamed: a half-imported run is never seen under its id.
  const staging = join(runsDir, `.import-${id}-${randomBytes(4).toString('hex')}`);
  try {
    for (const entry of files) {
      const path = join(staging, ...entry.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, entry.data, { flush: true });
    }
    await mkdir(join(staging, 'logs'), { recursive: true });
    await fsyncDir(staging);
    if (existsSync(target)) throw new FieldbookError('refused', `run ${id} appeared in ${runsDir} while importing; nothing was imported`);
    await rename(staging, target);
    await fsyncDir(runsDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { paths: runPaths(target), files: files.length, ...(manifest ? { manifest } : {}) };
}

async function readArchive(file: string): Promise<TarEntry[]> {
  let packed: Buffer;
  try {
    // Refused above this unpacked, so above it packed too.
    packed = await readInputFile(file, { maxBytes: MAX_UNPACKED_BYTES, what: 'a run archive', expected: 'a .tar.gz file' });
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  let tar: Buffer;
  try {
    tar = packed[0] === 0x1f && packed[1] === 0x8b ? gunzipSync(packed, { maxOutputLength: MAX_UNPACKED_BYTES }) : packed;
  } catch (error) {
    throw new UsageError(`${file}: not a readable .tar.gz (${(error as Error).message})`);
  }
  try {
    return readTar(tar);
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
}

/** The one top directory every entry is under, checked to be a plain run id; every path checked to stay inside. */
function runIdOf(entries: readonly TarEntry[], file: string): string {
  let id: string | undefined;
  for (const entry of entries) {
    const path = entry.path.replace(/\/+$/, '');
    const segments = path.split('/');
    const unsafe = path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..');
    if (unsafe) throw new FieldbookError('refused', `${file}: entry "${entry.path}" would be written outside the run directory; nothing was imported`);
    if (entry.type === 'other') throw new FieldbookError('refused', `${file}: entry "${entry.path}" is not a file or directory (tar type ${entry.flag}); nothing was imported`);
    const top = segments[0]!;
    if (id === undefined) id = top;
    else if (top !== id) throw new UsageError(`${file}: holds more than one top directory ("${id}", "${top}"); a run archive holds one run`);
    if (entry.type === 'file' && segments.length === 1) throw new UsageError(`${file}: "${entry.path}" is not inside a run directory`);
  }
  if (id === undefined) throw new UsageError(`${file}: the archive is empty`);
  if (!/^[A-Za-z0-9._-]+$/.test(id) || id.startsWith('.')) throw new UsageError(`${file}: "${id}" is not a run id`);
  return id;
}

function verifyManifest(files: readonly { path: string; data: Buffer }[], file: string): ExportManifest | undefined {
  const entry = files.find((f) => f.path === MANIFEST);
  if (!entry) return undefined;
  let manifest: ExportManifest;
  try {
    manifest = JSON.parse(entry.data.toString('utf8')) as ExportManifest;
  } catch {
    throw new UsageError(`${file}: ${MANIFEST} is not valid JSON`);
  }
  if (manifest.format !== EXPORT_FORMAT) throw new UsageError(`${file}: ${MANIFEST} has format "${String(manifest.format)}", expected ${EXPORT_FORMAT}`);
  const problems: string[] = [];
  for (const [path, hash] of Object.entries(manifest.files)) {
    const found = files.find((f) => f.path === path);
    if (!found) problems.push(`${path} is missing`);
    else if (sha256(found.data) !== hash) problems.push(`${path} differs from the manifest`);
  }
  for (const f of files) if (f.path !== MANIFEST && !(f.path in manifest.files)) problems.push(`${f.path} is not in the manifest`);
  if (problems.length) throw new FieldbookError('refused', `${file}: the archive does not match its manifest (${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; ${problems.length - 5} more` : ''}); nothing was imported`);
  return manifest;
}
