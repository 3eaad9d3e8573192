import { closeSync, mkdirSync, open, openSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const openFd = promisify(open);

const making = new Map<string, Promise<unknown>>();

/** `mkdir -p`, once for the units that ask for the same directory together (a step's hosts start at once). */
function makeDir(dir: string): Promise<unknown> {
  let made = making.get(dir);
  if (!made) {
    made = mkdir(dir, { recursive: true }).finally(() => making.delete(dir));
    making.set(dir, made);
  }
  return made;
}

/** Output kept in memory while the log is being created; past it, the file is created at once, synchronously. */
const EARLY_LIMIT = 1 << 20;

/**
 * One unit attempt's log file (`logs/<step>/<host>.log`), appended to.
 *
 * Creating it (a directory and a file: two inode allocations, which ext4 can take a millisecond over) happens in
 * libuv's thread pool while the command starts, not before it: text that arrives first waits in memory until
 * the file is open, then everything is written synchronously. Output arrives as fast as the host sends it, and
 * an async stream would buffer whatever the disk has not taken yet (tens of MB for a chatty step); page-cache
 * writes are cheap. When the disk is slow to create the file (a run directory on NFS, a stalled disk), at most
 * a MiB waits: then the file is created synchronously, and the output waits for the disk instead of filling
 * memory.
 */
export class UnitLog {
  private fd: number | undefined;
  private early: string[] = [];
  private earlyLength = 0;
  private failure: unknown;
  private readonly opened: Promise<void>;
  /** What was written after the header: the footer records it (see src/journal/log-framing.ts). */
  readonly output = { bytes: 0, endsLine: true };

  constructor(private readonly path: string, header: string) {
    this.early.push(header);
    this.opened = this.open();
  }

  write(text: string): void {
    if (this.failure !== undefined || text === '') return;
    this.output.bytes += Buffer.byteLength(text);
    this.output.endsLine = text.endsWith('\n');
    if (this.fd !== undefined) return this.writeNow(text);
    this.early.push(text);
    this.earlyLength += text.length;
    if (this.earlyLength > EARLY_LIMIT) this.openNow();
  }

  /** Resolves once the file is open; throws why it could not be. */
  async ready(): Promise<void> {
    await this.opened;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Write the footer (made from the output written) and close; throws when the log could not be written. */
  async close(footer: (output: { bytes: number; endsLine: boolean }) => string): Promise<void> {
    await this.opened;
    if (this.failure === undefined) this.writeNow(footer({ ...this.output }));
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.failure !== undefined) throw this.failure;
  }

  /** A write that fails (disk full) stops the log, not the run: the output goes on to the UI, the error to close(). */
  private writeNow(text: string): void {
    try {
      writeSync(this.fd!, text);
    } catch (error) {
      this.failure = error;
    }
  }

  private async open(): Promise<void> {
    try {
      await makeDir(dirname(this.path));
      const fd = await openFd(this.path, 'a');
      if (this.fd !== undefined || this.failure !== undefined) closeSync(fd); // opened synchronously meanwhile
      else this.adopt(fd);
    } catch (error) {
      if (this.fd === undefined) this.fail(error);
    }
  }

  private openNow(): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.adopt(openSync(this.path, 'a'));
    } catch (error) {
      this.fail(error);
    }
  }

  private adopt(fd: number): void {
    try {
      writeSync(fd, this.early.join(''));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.fd = fd;
    this.early = [];
  }

  private fail(error: unknown): void {
    this.failure = error;
    this.early = [];
  }
}
