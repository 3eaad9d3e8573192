import { randomBytes } from 'node:crypto';

// A unit log holds each attempt's output exactly as received (masked), between a header and a footer that host
// output cannot forge: both carry the attempt's mark, 48 random bits made on this machine, journaled with the
// attempt's `unit-started` and never sent to a host; the footer also counts the output's bytes. See
// docs/runs-and-resume.md#unit-logs.

/** A fresh mark for one attempt's section of a log. */
export function newLogMark(): string {
  return randomBytes(6).toString('hex');
}

/** `# <ISO time> <unit label> attempt <n> (section <mark>)`, then the command, `# ` before each of its lines. */
export function sectionHeader(at: string, label: string, attempt: number, command: string, mark: string): string {
  return `# ${at} ${label} attempt ${attempt} (section ${mark})\n# ${command.split('\n').join('\n# ')}\n`;
}

/** What the output of a section was, as the footer needs it. */
export interface SectionOutput {
  bytes: number;
  /** Whether it ended with a line feed (or was empty). */
  endsLine: boolean;
}

/**
 * The footer: on a line of its own (a line feed is added when the output did not end with one; the byte count
 * says which line feed was the host's), `# end of section <mark>: <outcome> · <n> bytes of output`.
 */
export function sectionFooter(mark: string, text: string, output: SectionOutput): string {
  return `${output.endsLine ? '' : '\n'}${footerStart(mark)}${text} · ${output.bytes} bytes of output\n`;
}

/** What every footer of the section marked `mark` begins with. */
export function footerStart(mark: string): string {
  return `# end of section ${mark}: `;
}

/** The end of a header line; group 1 the mark. */
export const SECTION_MARK = / \(section ([0-9a-f]{12})\)$/gm;

/**
 * Where the header whose mark ends at `markAt` begins, when it is the header of that attempt. A header may follow
 * the unfinished last line of a section that fieldbook never closed (it stopped): it is found by its mark, not at
 * a line start.
 */
export function headerStart(text: string, markAt: number, label: string, attempt: number): number | undefined {
  const unit = `${label} attempt ${attempt}`;
  const start = markAt - unit.length - '# 2026-01-01T00:00:00.000Z '.length;
  if (start < 0 || !text.startsWith(unit, markAt - unit.length)) return undefined;
  return /^# \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z $/.test(text.slice(start, markAt - unit.length)) ? start : undefined;
}

/** The byte count at the end of a footer line. */
export const FOOTER_BYTES = / · (\d+) bytes of output$/;
