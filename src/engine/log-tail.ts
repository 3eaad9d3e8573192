import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { unitLabel, type UnitKey } from '../journal/events.js';
import { footerStart } from '../journal/log-framing.js';

/** How much of a log's end is read: a unit's last lines, not its whole output. */
const TAIL_BYTES = 65_536;

/**
 * The last `rows` lines a unit printed in its latest attempt, from its log (`logs/<step>/<host>.log`, masked as
 * written): what follows the attempt's header (`# <time> <unit> attempt <n>`) and the command echoed under it. An
 * attempt killed with fieldbook has no footer, so its last lines are what it printed last. Empty when it printed
 * nothing or the log cannot be read (the operator still has its path).
 */
export function lastOutputLines(path: string, unit: UnitKey, rows: number, mark?: string): string[] {
  return attemptOutput(readTail(path), unit, mark).slice(-rows);
}

/**
 * The output lines of the unit's last attempt (pure, for tests): by its section's mark (src/journal/log-framing.ts),
 * up to its footer or, when fieldbook stopped before writing one, the next section; in a log written before marks,
 * after the unit's last attempt header.
 */
export function attemptOutput(text: string, unit: UnitKey, mark?: string): string[] {
  if (mark !== undefined) return markedOutput(text, mark);
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

function markedOutput(text: string, mark: string): string[] {
  const header = text.lastIndexOf(` (section ${mark})\n`);
  if (header < 0) return [];
  const lines = text.slice(text.indexOf('\n', header) + 1).split('\n');
  let start = 0;
  // The command echoed under the header: `# ` lines (output that starts with "# " right there is lost).
  while (start < lines.length && lines[start]!.startsWith('# ')) start++;
  const end = lines.findIndex((line, i) => i >= start && (line.startsWith(footerStart(mark)) || ANY_MARKED_HEADER.test(line)));
  const output = lines.slice(start, end < 0 ? undefined : end);
  if (output.at(-1) === '') output.pop();
  return output;
}

const ANY_MARKED_HEADER = / \(section [0-9a-f]{12}\)$/;

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
