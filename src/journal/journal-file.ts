import { writeSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FieldbookError } from '../errors.js';

/** The last line of a journal left incomplete by a crash mid-write: its 1-based line number and its text. */
export interface TornTail {
  line: number;
  text: string;
}

/** Appends events to a journal, one JSON line each, durable before `append` resolves. */
export interface JournalWriter {
  /**
   * Write `event` as one line and fsync the file. Concurrent calls are written one after another, in call order.
   * With `durable: false` the fsync is left to the next durable append (or `close`), which covers this line too:
   * for events that announce no action and that replay can do without.
   */
  append(event: object, options?: { durable?: boolean }): Promise<void>;
  /** Wait for pending appends, then close the file. */
  close(): Promise<void>;
  /** The torn last line that was cut off when the journal was opened, for the caller to record. */
  readonly truncated: TornTail | undefined;
}

/** Every event of a journal; a torn last line (crash mid-write) is reported and left out. */
export interface JournalContents {
  events: unknown[];
  tornTail?: TornTail;
}

const NEWLINE = 0x0a;

/** fsync a directory so that files just created or renamed in it survive a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Read a journal. A last line that lacks its newline or is not valid JSON is a crash mid-write: reported as
 * `tornTail` and ignored. An invalid line anywhere else means the file was damaged, and throws.
 */
export async function readJournal(path: string): Promise<JournalContents> {
  const bytes = await readJournalBytes(path, 'read');
  const lines = splitLines(bytes);
  const events: unknown[] = [];
  for (const [index, line] of lines.entries()) {
    const isLast = index === lines.length - 1;
    const parsed = parseLine(bytes, line);
    if (parsed.ok && line.complete) {
      events.push(parsed.value);
    } else if (isLast) {
      return { events, tornTail: { line: line.number, text: text(bytes, line) } };
    } else {
      const reason = parsed.ok ? 'no newline' : parsed.reason;
      throw new FieldbookError('journal', `${path}:${line.number}: not valid JSON (${reason}); the journal is damaged`);
    }
  }
  return { events };
}

/**
 * Open a journal for appending, creating it (and fsyncing its directory) when needed. A torn last line is cut
 * off first, so that new events never glue onto half an event; what was cut is in `writer.truncated`.
 */
export async function openJournal(path: string): Promise<JournalWriter> {
  const handle = await open(path, 'a');
  let truncated: TornTail | undefined;
  try {
    const { size } = await handle.stat();
    if (size === 0) {
      await fsyncDir(dirname(path));
    } else {
      truncated = await cutTornTail(path, handle);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  return new Writer(path, handle, truncated);
}

/**
 * Lines are written synchronously (a page-cache write of a few hundred bytes costs microseconds, less than a
 * trip to libuv's thread pool), so the file's order is the call order with no queue; only the fsync, the slow
 * part, goes to the thread pool. A line written is in the page cache at once: it survives a crash of this
 * process even before its fsync, which guards against a crash of the machine.
 */
class Writer implements JournalWriter {
  private failure: FieldbookError | undefined;
  private closed = false;
  private unsynced = false;
  private syncing = new Set<Promise<void>>();
  /** The fsync not started yet, which durable lines written meanwhile share. */
  private nextSync: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    readonly truncated: TornTail | undefined,
  ) {}

  append(event: object, options: { durable?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new FieldbookError('journal', `${this.path}: journal is closed`));
    let line: Buffer;
    try {
      line = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8'); // fails before anything is written: the writer stays usable
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      return Promise.reject(new FieldbookError('internal', `${this.path}: event is not serialisable (${reason})`, { cause }));
    }
    try {
      this.write(line);
    } catch (error) {
      return Promise.reject(error);
    }
    if (options.durable === false) {
      this.unsynced = true;
      return Promise.resolve();
    }
    this.unsynced = false;
    this.nextSync ??= this.track(this.groupSync());
    return this.nextSync;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.syncing);
    if (this.unsynced && !this.failure) await this.handle.sync();
    await this.handle.close();
  }

  private write(line: Buffer): void {
    // After a failed write the file may end in half a line: refuse to glue more events onto it.
    if (this.failure) throw this.failure;
    try {
      for (let written = 0; written < line.length; ) written += writeSync(this.handle.fd, line, written);
    } catch (cause) {
      throw this.fail(cause);
    }
  }

  /**
   * One fsync for every durable line written in the same turn of the event loop (the units of a step fanned
   * out over hosts start together): it starts after the current synchronous work, and lines written after it
   * has started wait for the next one.
   */
  private async groupSync(): Promise<void> {
    await Promise.resolve();
    this.nextSync = undefined;
    try {
      await this.handle.sync();
    } catch (cause) {
      throw this.fail(cause);
    }
  }

  private fail(cause: unknown): FieldbookError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.failure ??= new FieldbookError('journal', `${this.path}: cannot append to the journal (${reason})`, { cause });
    return this.failure;
  }

  private track(sync: Promise<void>): Promise<void> {
    this.syncing.add(sync);
    void sync.catch(() => undefined).finally(() => this.syncing.delete(sync));
    return sync;
  }
}

interface Line {
  start: number;
  end: number;
  /** 1-based. */
  number: number;
  /** Ends with a newline. */
  complete: boolean;
}

/** Non-empty lines (empty ones carry no event and are skipped); only the last can be incomplete. */
function splitLines(bytes: Buffer): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let number = 1; start < bytes.length; number++) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline === -1 ? bytes.length : newline;
    if (end > start) lines.push({ start, end, number, complete: newline !== -1 });
    start = end + 1;
  }
  return lines;
}

function parseLine(bytes: Buffer, line: Line): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text(bytes, line)) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function text(bytes: Buffer, line: Line): string {
  return bytes.toString('utf8', line.start, line.end);
}

/** Truncate the file before its last line when that line is torn; only the last line is examined. */
async function cutTornTail(path: string, handle: FileHandle): Promise<TornTail | undefined> {
  const bytes = await readJournalBytes(path, 'open');
  const lines = splitLines(bytes);
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  if (last.complete && parseLine(bytes, last).ok) return undefined;
  await handle.truncate(last.start);
  await handle.sync();
  return { line: last.number, text: text(bytes, last) };
}

async function readJournalBytes(path: string, action: 'read' | 'open'): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new FieldbookError('journal', `${path}: cannot ${action} the journal (${reason})`, { cause });
  }
}
