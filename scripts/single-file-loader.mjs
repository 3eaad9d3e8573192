#!/usr/bin/env node
// fieldbook in one file (built by scripts/bundle.mjs from this loader and the bundled program below it).
//
// Why a loader: compiling the 1.5 MiB program was a third of fieldbook's start-up (about 35 ms), and Node 20
// keeps no compile cache for ES modules. So the program is carried as a string and compiled as a script with
// V8's code cache, kept per user and per build in $XDG_CACHE_HOME/fieldbook/code (else ~/.cache/fieldbook/code;
// never in $FIELDBOOK_HOME, which a team may share). The first start writes it; later starts skip the compile.
// A cache from another build, Node or set of V8 flags is never used: its name says which it belongs to, and V8
// checks it again. It is code, so a cache that someone else could have written (not ours, or writable by others,
// or in such a directory) is not read, and replaced when the directory is ours. FIELDBOOK_CODE_CACHE=off reads
// and writes none. Every cache error is ignored: it only costs the compile.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** Compile and run the program: `require` for Node's built-ins, and what a bundled module expects to find. */
async function start(program) {
  const file = fileURLToPath(import.meta.url);
  const cachePath = codeCachePath(program.sha256, process.env);
  const cachedData = cachePath === undefined ? undefined : readCache(cachePath);
  const script = new Script(`(async function (require, __filename, __dirname, __fbUrl) {"use strict";\n${program.source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  // Written at exit, so that it also holds the functions this start compiled, not only the top level.
  if (cachePath !== undefined && (cachedData === undefined || script.cachedDataRejected)) process.once('exit', () => writeCache(script, cachePath));
  await script.runInThisContext()(createRequire(import.meta.url), file, dirname(file), import.meta.url);
}

function codeCachePath(programSha256, env) {
  if (env.FIELDBOOK_CODE_CACHE === 'off') return undefined;
  // A relative XDG_CACHE_HOME is invalid (XDG Base Directory spec): ignored, not taken from the working directory.
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  // V8 rejects a cache made by another V8 or other flags; naming them keeps two Nodes from overwriting each other.
  const runtime = createHash('sha256').update(`${process.version} ${process.arch} ${process.execArgv.join(' ')}`).digest('hex').slice(0, 12);
  return join(base, 'fieldbook', 'code', `fieldbook-${programSha256.slice(0, 16)}-${runtime}.cache`);
}

/** Ours, and writable by no one else. */
function isPrivate(stat) {
  const uid = process.getuid?.();
  return (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
}

function readCache(path) {
  try {
    const fd = openSync(path, 'r');
    try {
      return isPrivate(fstatSync(fd)) && isPrivate(statSync(dirname(path))) ? readFileSync(fd) : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Atomically (a temp file renamed), so that a fieldbook starting meanwhile reads all of it or nothing. */
function writeCache(script, path) {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!isPrivate(statSync(dirname(path)))) return;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, path);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing more to do: the next start compiles again
    }
  }
}

const PROGRAM = { sha256: '', source: '' }; // filled in by scripts/bundle.mjs
await start(PROGRAM);
