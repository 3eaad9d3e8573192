import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { defaultRunsDir } from '../journal/run-dir.js';
import { MAX_PATH_LENGTH } from '../schema/input-file.js';
import type { CliIO } from './io.js';

/** The runs directory a command works in: `--runs-dir` (relative to the working directory), else the default. */
export function runsDirOf(flag: string | undefined, io: Pick<CliIO, 'cwd' | 'env'>): string {
  const dir = resolve(io.cwd, flag ?? defaultRunsDir(io.env));
  // Checked before anything is made there: a run's files go up to ~300 characters deeper.
  if (dir.length > MAX_PATH_LENGTH) throw new UsageError(`runs directory ${dir.slice(0, 40)}...: the path is ${dir.length} characters long; at most ${MAX_PATH_LENGTH}`);
  return dir;
}
