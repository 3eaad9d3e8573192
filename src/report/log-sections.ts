import { FOOTER_BYTES, footerStart, headerStart, SECTION_MARK } from '../journal/log-framing.js';
import { unitLabel, type JournalEvent } from '../journal/events.js';
import type { LogExcerpt } from './model.js';

/** Lines kept from the end of an attempt's output. */
export const EXCERPT_LINES = 12;
/** Characters kept of one line of an excerpt. */
export const EXCERPT_LINE_CHARS = 240;

/** One attempt's output in a unit log: written between its header and its footer. */
export interface LogSection {
  label: string;
  attempt: number;
  lines: string[];
}

/** An attempt as the journal has it (`unit-started`), in journal order. */
export interface JournaledAttempt {
  label: string;
  attempt: number;
  command: string;
  logMark?: string;
}

// Logs of older runs (no mark in the journal): `# <ISO time> <unit label> attempt <n>`, the command with `# ` before
// each line, the output, then a footer `# <outcome>...`. Host output could forge these lines.
const HEADER = /^# \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z (.+) attempt (\d+)$/;
const FOOTER = /^# (?:succeeded|failed|unknown)\b.* after \d+(?:\.\d+)?s$/;

/**
 * Split an older unit log into attempts. `commandLines(label, attempt)` says how many `# ` lines of command follow
 * a header (the command is in the journal), so that an output line that happens to start with `# ` is kept.
 */
export function splitLog(text: string, commandLines: (label: string, attempt: number) => number): LogSection[] {
  const sections: LogSection[] = [];
  let current: LogSection | undefined;
  let skip = 0;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      current = { label: header[1]!, attempt: Number(header[2]), lines: [] };
      sections.push(current);
      skip = commandLines(current.label, current.attempt);
      continue;
    }
    if (!current) continue;
    if (skip > 0 && line.startsWith('#')) {
      skip--;
      continue;
    }
    skip = 0;
    current.lines.push(line);
  }
  for (const section of sections) {
    const last = section.lines[section.lines.length - 1];
    if (last !== undefined && (FOOTER.test(last) || last.startsWith('# '))) section.lines.pop();
  }
  return sections;
}

/** Every attempt the journal started, in order, with what its log's sections are read by. */
export function journaledAttempts(events: readonly JournalEvent[]): JournaledAttempt[] {
  return events.flatMap((e) => (e.type === 'unit-started' ? [{ label: unitLabel(e.unit), attempt: e.attempt, command: e.command, ...(e.logMark ? { logMark: e.logMark } : {}) }] : []));
}

/**
 * Split a unit log into attempts, in the order they are in the file. A section whose mark the journal has is read
 * by its mark (src/journal/log-framing.ts): its output is every byte between the command and its footer, whatever
 * it holds, and ends at the next journaled section when fieldbook stopped before writing a footer. Text outside
 * such sections (a log begun by an older fieldbook) is read as before.
 */
export function readLog(text: string, attempts: readonly JournaledAttempt[]): LogSection[] {
  const byMark = new Map(attempts.flatMap((a) => (a.logMark ? [[a.logMark, a] as const] : [])));
  const commands = new Map(attempts.map((a) => [`${a.label}#${a.attempt}`, a.command]));
  const older = (part: string) => splitLog(part, (label, attempt) => commands.get(`${label}#${attempt}`)?.split('\n').length ?? 0);
  const starts = (byMark.size === 0 ? [] : [...text.matchAll(SECTION_MARK)]).flatMap((m) => {
    const attempt = byMark.get(m[1]!);
    const at = attempt && headerStart(text, m.index, attempt.label, attempt.attempt);
    return attempt && at !== undefined ? [{ at, from: m.index + m[0].length + 1, attempt }] : [];
  });
  const sections: LogSection[] = [];
  let cursor = 0;
  starts.forEach(({ at, from, attempt }, i) => {
    if (at < cursor) return;
    sections.push(...older(text.slice(cursor, at)));
    const next = starts.slice(i + 1).find((s) => s.at > at)?.at ?? text.length;
    const { body, end } = sectionBody(text, from, attempt, next);
    sections.push({ label: attempt.label, attempt: attempt.attempt, lines: bodyLines(body) });
    cursor = end;
  });
  sections.push(...older(text.slice(cursor)));
  return sections;
}

/** The output of a marked section whose command starts at `from`, and where the section ends. */
function sectionBody(text: string, from: number, attempt: JournaledAttempt, next: number): { body: string; end: number } {
  let start = Math.min(from, text.length);
  for (let n = attempt.command.split('\n').length; n > 0 && start < text.length; n--) start = lineEnd(text, start);
  const footer = footerStart(attempt.logMark!);
  let at = text.indexOf(footer, start);
  while (at > start && text[at - 1] !== '\n') at = text.indexOf(footer, at + 1);
  if (at === -1 || at > next) return { body: text.slice(start, next), end: next };
  const end = lineEnd(text, at);
  const counted = FOOTER_BYTES.exec(text.slice(at, end).replace(/\n$/, ''));
  let body = text.slice(start, at);
  // The line feed before the footer, added when the output did not end with one, is not output.
  if (counted && Buffer.byteLength(body) === Number(counted[1]) + 1 && body.endsWith('\n')) body = body.slice(0, -1);
  return { body, end };
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl + 1;
}

/** Output as lines: a last line without a line feed is a line too. */
function bodyLines(body: string): string[] {
  if (body === '') return [];
  const lines = body.split('\n');
  if (body.endsWith('\n')) lines.pop();
  return lines;
}

/**
 * The output of every attempt in a run's logs, keyed `<unit label>#<attempt>`: one list of lines per time that
 * attempt ran (an attempt number repeats when a step is run again with --from/--only).
 */
export function attemptOutputs(logs: ReadonlyMap<string, string>, attempts: readonly JournaledAttempt[]): Map<string, string[][]> {
  const outputs = new Map<string, string[][]>();
  for (const text of logs.values()) {
    for (const section of readLog(text, attempts)) {
      const key = `${section.label}#${section.attempt}`;
      outputs.set(key, [...(outputs.get(key) ?? []), section.lines]);
    }
  }
  return outputs;
}

/** The last lines of an attempt's output, each cut to a readable length. */
export function excerptOf(lines: readonly string[], keep = EXCERPT_LINES): LogExcerpt {
  const trimmed = [...lines];
  while (trimmed.length > 0 && trimmed[trimmed.length - 1]!.trim() === '') trimmed.pop();
  const shown = trimmed.slice(-keep).map((line) => (line.length > EXCERPT_LINE_CHARS ? `${line.slice(0, EXCERPT_LINE_CHARS - 1)}…` : line).replace(/\r$/, ''));
  return { lines: shown, omitted: trimmed.length - shown.length };
}
