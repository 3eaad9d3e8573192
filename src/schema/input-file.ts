import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** A path given to fieldbook (a file to read, `--runs-dir`) is at most this long; Linux allows 4096 in all. */
export const MAX_PATH_LENGTH = 1024;

/** Why an input file cannot be read, in words; the caller says which file and how it was given. */
export class InputFileError extends Error {}

/** What a file is, for the message that refuses it. */
function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Read a file fieldbook takes as input (runbook, site, params file, run archive): only a regular file, at most
 * `maxBytes`. `/dev/zero` or a FIFO would otherwise be read without end (3.7 GB in 20 s), so the file is opened
 * without blocking (a FIFO with no writer would hang the open), checked on its handle (no race with a rename),
 * and read no further than one byte past the limit (a file that grows while read is refused too).
 */
export async function readInputFile(path: string, limit: { maxBytes: number; what: string; expected: string }): Promise<Buffer> {
  if (path.length > MAX_PATH_LENGTH) throw new InputFileError(`path is ${path.length} characters long; at most ${MAX_PATH_LENGTH}`);
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new InputFileError(`is a directory; expected ${limit.expected}`);
    if (!info.isFile()) throw new InputFileError(`is ${kindOf(info)}; expected ${limit.expected} (only regular files are read)`);
    if (info.size > limit.maxBytes) throw new InputFileError(`file is ${mib(info.size)}; ${limit.what} is at most ${mib(limit.maxBytes).replace('.0 ', ' ')}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.max(info.size - total, 64 * 1024));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit.maxBytes) throw new InputFileError(`file grew past ${mib(limit.maxBytes)} while being read`);
    }
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(`cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  } finally {
    await handle.close();
  }
}
