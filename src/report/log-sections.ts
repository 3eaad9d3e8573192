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

// The engine writes `# <ISO time> <unit label> attempt <n>`, then the command with `# ` before each line, then the
// output, then a footer `# <outcome>...` (see src/engine/unit-runner.ts).
const HEADER = /^# \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z (.+) attempt (\d+)$/;
const FOOTER = /^# (?:succeeded|failed|unknown)\b.* after \d+(?:\.\d+)?s$/;

/**
 * Split a unit log into attempts. `commandLines(label, attempt)` says how many `# ` lines of command follow a
 * header (the command is in the journal), so that an output line that happens to start with `# ` is kept.
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

/**
 * The output of every attempt in a run's logs, keyed `<unit label>#<attempt>`: one list of lines per time that
 * attempt ran (an attempt number repeats when a step is run again with --from/--only). `commands` gives each
 * attempt's command as journaled (same keys), so its `# ` lines are told apart from output.
 */
export function attemptOutputs(logs: ReadonlyMap<string, string>, commands: ReadonlyMap<string, string>): Map<string, string[][]> {
  const outputs = new Map<string, string[][]>();
  for (const text of logs.values()) {
    for (const section of splitLog(text, (label, attempt) => commands.get(`${label}#${attempt}`)?.split('\n').length ?? 0)) {
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
