// A minimal POSIX ustar writer: enough for image layers and plugin packages the lab builds without Docker.

/** One member of an archive: a regular file (with content) or a directory. */
export interface TarEntry {
  /** Relative path; directories end without a slash. At most 255 bytes (ustar's prefix + name). */
  path: string;
  /** A regular file's bytes; omit for a directory. */
  content?: Buffer;
  /** @default 0o644 for files, 0o755 for directories */
  mode?: number;
}

const BLOCK = 512;

/** Builds a tar archive (ustar, mtime 0, uid/gid 0) of `entries` in the given order. */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const isDir = entry.content === undefined;
    const content = entry.content ?? Buffer.alloc(0);
    parts.push(header(isDir ? `${entry.path}/` : entry.path, content.length, entry.mode ?? (isDir ? 0o755 : 0o644), isDir ? '5' : '0'));
    if (content.length > 0) {
      parts.push(content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
    }
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function header(path: string, size: number, mode: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(BLOCK);
  const [prefix, name] = splitPath(path);
  block.write(name, 0, 100, 'utf8');
  octal(block, 100, 8, mode);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, 0);
  block.fill(' ', 148, 156);
  block.write(type, 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'binary');
  block.write('root', 265, 32, 'ascii');
  block.write('root', 297, 32, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'binary');
  return block;
}

/** ustar keeps up to 100 bytes in `name` and the leading directories (up to 155) in `prefix`. */
function splitPath(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  const cut = path.lastIndexOf('/', path.length - 2);
  const prefix = path.slice(0, cut);
  const name = path.slice(cut + 1);
  if (cut < 0 || Buffer.byteLength(prefix) > 155 || Buffer.byteLength(name) > 100) throw new Error(`path too long for ustar: ${path}`);
  return [prefix, name];
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'ascii');
}
