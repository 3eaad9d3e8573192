import { ValidationError } from '../errors.js';
import { InputFileError, readInputFile } from './input-file.js';

/** Runbooks, sites and params files are hand-written; anything larger is a mistake (a log, an image), refused early. */
export const MAX_FILE_BYTES = 1024 * 1024;

const problem = (file: string, message: string, line = 0, col = 0) =>
  new ValidationError([{ file, line, col, path: '', message, rank: 0 }]);

/** Read a runbook or site file as UTF-8 text, refusing what cannot be one: missing, huge, not a file, binary, not UTF-8. */
export async function readSourceText(file: string): Promise<string> {
  try {
    return decodeSource(file, await readInputFile(file, { maxBytes: MAX_FILE_BYTES, what: 'a runbook or site file', expected: 'a YAML file' }));
  } catch (error) {
    if (error instanceof InputFileError) throw problem(file, error.message);
    throw error;
  }
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
    const byte = bytes[bad]!;
    // Bytes 0xA0-0xFF alone are the usual sign of a Latin-1 / Windows-1252 file; say which character was meant.
    const latin1 = byte >= 0xa0 ? `, "${String.fromCharCode(byte)}" in Latin-1` : '';
    throw problem(file, `not UTF-8 text (byte 0x${byte.toString(16).padStart(2, '0')} at offset ${bad}${latin1}); save the file as UTF-8`, line, col);
  }
}

/** Line and column (in characters, as editors count them) of a byte offset in text valid up to that offset. */
function positionOfByte(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, col: [...before].length + 1 };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629, table 3-7 of Unicode). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's range is narrower after some leads (no overlongs, no surrogates, nothing above U+10FFFF).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return Math.max(0, bytes.length - 1);
}
