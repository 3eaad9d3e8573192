import { resolve } from 'node:path';
import { defaultRunsDir } from '../journal/run-dir.js';
import type { CliIO } from './io.js';

/** The runs directory a command works in: `--runs-dir` (relative to the working directory), else the default. */
export function runsDirOf(flag: string | undefined, io: Pick<CliIO, 'cwd' | 'env'>): string {
  return resolve(io.cwd, flag ?? defaultRunsDir(io.env));
}
