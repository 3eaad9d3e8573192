import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { unitLabel, type UnitKey } from '../journal/events.js';

/** How much of a log's end is read: a unit's last lines, not its whole output. */
const TAIL_BYTES = 65_536;

/**
 * The last `rows` lines a unit printed in its latest attempt, from its log (`logs/<step>/<host>.log`, masked as
 * written): what follows the attempt's header (`# <time> <unit> attempt <n>`) and the command echoed under it. An
 * attempt killed with fieldbook has no footer, so its last lines are what it printed last. Empty when it printed
 * nothing or the log cannot be read (the operator still has its path).
 */
export function lastOutputLines(path: string, unit: UnitKey, rows: number): string[] {
  return attemptOutput(readTail(path), unit).slice(-rows);
}

/** The output lines after the unit's last attempt header (pure, for tests). */
export function attemptOutput(text: string, unit: UnitKey): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = new RegExp(`^# \\d{4}-\\d\\d-\\d\\dT\\S+ ${escapeRegExp(unitLabel(unit))} attempt \\d+$`);
  let start = lines.findLastIndex((line) => header.test(line));
  if (start < 0) return [];
  start++;
  // The command is echoed under the header as comment lines; output that starts with "# " right there is lost.
  while (start < lines.length && lines[start]!.startsWith('# ')) start++;
  // Another unit's attempt (the next foreach item on this host) ends this one's output.
  const next = lines.findIndex((line, i) => i >= start && ANY_HEADER.test(line));
  const output = lines.slice(start, next < 0 ? undefined : next);
  // The footer of an attempt that ended (cancelled: `# unknown: ... after 1.0s`) repeats what the question says.
  if (FOOTER.test(output.at(-1) ?? '')) output.pop();
  return output;
}

const FOOTER = /^# (?:succeeded|failed|unknown|refused|cancelled)\b.* after \d+\.\ds$/;

const ANY_HEADER = /^# \d{4}-\d\d-\d\dT\S+ \S.* attempt \d+$/;

function readTail(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
