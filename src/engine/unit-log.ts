import { closeSync, open, writeSync } from 'node:fs';
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

/**
 * One unit attempt's log file (`logs/<step>/<host>.log`), appended to.
 *
 * Creating it (a directory and a file: two inode allocations, which ext4 can take a millisecond over) happens in
 * libuv's thread pool while the command starts, not before it: text that arrives first waits in memory until
 * the file is open, then everything is written synchronously. Output arrives as fast as the host sends it, and
 * an async stream would buffer whatever the disk has not taken yet (tens of MB for a chatty step); page-cache
 * writes are cheap.
 */
export class UnitLog {
  private fd: number | undefined;
  private early: string[] = [];
  private failure: unknown;
  private readonly opened: Promise<void>;

  constructor(path: string, header: string) {
    this.early.push(header);
    this.opened = this.open(path);
  }

  write(text: string): void {
    if (this.failure !== undefined) return;
    if (this.fd === undefined) this.early.push(text);
    else writeSync(this.fd, text);
  }

  /** Resolves once the file is open; throws why it could not be. */
  async ready(): Promise<void> {
    await this.opened;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Write the footer and close; throws when the log could not be opened. */
  async close(footer: string): Promise<void> {
    await this.ready();
    this.write(footer);
    closeSync(this.fd!);
  }

  private async open(path: string): Promise<void> {
    try {
      await makeDir(dirname(path));
      const fd = await openFd(path, 'a');
      writeSync(fd, this.early.join(''));
      this.fd = fd;
      this.early = [];
    } catch (error) {
      this.failure = error;
    }
  }
}
