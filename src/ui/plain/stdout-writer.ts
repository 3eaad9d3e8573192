import { fstatSync, writeSync } from 'node:fs';

/**
 * How the plain and JSON UIs write to stdout. When stdout is a file or a device that is not a terminal
 * (`> run.log`, /dev/null), the text goes straight to its file descriptor: Node's stream for those writes
 * synchronously too, but copies each string into a Buffer first, which cost a step printing hundreds of MB a
 * third of its output time. Pipes (non-blocking under Node), terminals and streams without a descriptor
 * (tests) keep the stream.
 *
 * A reader that went away (`| head`, a killed `tee`) must not crash the run half way through a step: the run
 * goes on, journaled and logged, and only the lines to stdout are lost.
 */
export function stdoutWriter(stdout: NodeJS.WritableStream & { fd?: unknown; isTTY?: boolean }): (text: string) => void {
  // Left in place after the run: the error of the last write arrives after it ended.
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const fd = stdout.fd;
  if (typeof fd !== 'number' || stdout.isTTY === true || !isFileOrDevice(fd)) return (text) => void stdout.write(text);
  let closed = false;
  return (text) => {
    if (closed) return;
    try {
      writeSync(fd, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
      closed = true;
    }
  };
}

function isFileOrDevice(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFile() || stat.isCharacterDevice();
  } catch {
    return false;
  }
}
