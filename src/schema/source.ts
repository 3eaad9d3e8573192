import { readFile, stat } from 'node:fs/promises';
import { ValidationError } from '../errors.js';

/** Runbooks and sites are hand-written; anything larger is a mistake (a log, an image) and is refused early. */
export const MAX_FILE_BYTES = 1024 * 1024;

const problem = (file: string, message: string, line = 0, col = 0) =>
  new ValidationError([{ file, line, col, path: '', message, rank: 0 }]);

/** Read a runbook or site file as UTF-8 text, refusing what cannot be one: missing, huge, binary, not UTF-8. */
export async function readSourceText(file: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw problem(file, 'is a directory; expected a YAML file');
    size = info.size;
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw problem(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`);
  }
  if (size > MAX_FILE_BYTES) {
    throw problem(file, `file is ${(size / 1024 / 1024).toFixed(1)} MiB; a runbook or site file is at most 1 MiB`);
  }
  return decodeSource(file, await readFile(file));
}

/** Decode bytes as strict UTF-8 (BOM dropped), naming the line and column of the first bad byte. */
export function decodeSource(file: string, bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, col } = positionOfByte(bytes, nul);
    throw problem(file, `binary file (NUL byte at offset ${nul}); expected YAML text`, line, col);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const { line, col } = positionOfByte(bytes, bad);
    throw problem(file, `not UTF-8 text (invalid byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at offset ${bad}); save the file as UTF-8`, line, col);
  }
}

function positionOfByte(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // A streaming decode accepts an incomplete tail, so prefix validity is monotonic: binary search its end.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return Math.min(lo, bytes.length - 1);
}
