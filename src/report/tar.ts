/**
 * A small POSIX tar (ustar + pax path records) writer and reader: enough for run archives, which hold only
 * directories and regular files. Written here rather than taken as a dependency because that is all it needs to
 * do, and because the reader must refuse everything else (links, devices) anyway.
 */

const BLOCK = 512;

export interface TarFile {
  /** Relative path with `/` separators. */
  path: string;
  data: Uint8Array;
  /** @default 0o644 */
  mode?: number;
  /** Seconds since the epoch. @default 0 */
  mtime?: number;
}

export interface TarEntry {
  path: string;
  type: 'file' | 'directory' | 'other';
  /** The type flag as found, for messages about `other` entries. */
  flag: string;
  data: Buffer;
}

/** A tar archive (not compressed) of `files`, in the given order. */
export function writeTar(files: readonly TarFile[]): Buffer {
  const chunks: Buffer[] = [];
  for (const file of files) {
    const data = Buffer.from(file.data);
    const mtime = file.mtime ?? 0;
    const split = splitName(file.path);
    if (!split) {
      // Too long for ustar's name and prefix fields: a pax record carries the whole path.
      const record = paxRecord('path', file.path);
      chunks.push(header({ name: 'PaxHeader', size: record.length, mode: 0o644, mtime, flag: 'x' }), pad(record));
    }
    chunks.push(header({ name: split?.name ?? file.path.slice(-99), prefix: split?.prefix ?? '', size: data.length, mode: file.mode ?? 0o644, mtime, flag: '0' }), pad(data));
  }
  chunks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(chunks);
}

/** Every entry of a tar archive; throws on a damaged header. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longPath: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    if (!checksumOk(block)) throw new Error(`damaged tar header at byte ${offset}`);
    const size = parseOctal(block.subarray(124, 136));
    const flag = String.fromCharCode(block[156] ?? 0).replace('\0', '0');
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length) throw new Error(`truncated tar entry at byte ${offset}`);
    const data = archive.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x') {
      longPath = parsePax(data)['path'] ?? longPath;
      continue;
    }
    if (flag === 'L') {
      longPath = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (flag === 'g') continue;
    const name = cString(block.subarray(0, 100));
    const prefix = block.subarray(257, 263).toString('latin1').startsWith('ustar') ? cString(block.subarray(345, 500)) : '';
    const path = longPath ?? (prefix ? `${prefix}/${name}` : name);
    longPath = undefined;
    const type = flag === '0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : 'other';
    entries.push({ path, type, flag, data: Buffer.from(data) });
  }
  return entries;
}

function splitName(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { name, prefix };
  }
  return undefined;
}

function header(h: { name: string; prefix?: string; size: number; mode: number; mtime: number; flag: string }): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(h.name, 0, 100, 'utf8');
  block.write(octal(h.mode, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(h.size, 12), 124, 'latin1');
  block.write(octal(Math.max(0, Math.floor(h.mtime)), 12), 136, 'latin1');
  block.write(' '.repeat(8), 148, 'latin1');
  block.write(h.flag, 156, 'latin1');
  block.write('ustar\u000000', 257, 'latin1');
  block.write('root', 265, 'latin1');
  block.write('root', 297, 'latin1');
  block.write(h.prefix ?? '', 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === parseOctal(block.subarray(148, 156));
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function parseOctal(field: Buffer): number {
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`bad octal field "${text}" in a tar header`);
  return parseInt(text, 8);
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

/** `"<length> key=value\n"`, where the length counts itself. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  while (`${length}`.length + Buffer.byteLength(body) !== length) length = `${length}`.length + Buffer.byteLength(body);
  return Buffer.from(`${length}${body}`, 'utf8');
}

function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return records;
}
