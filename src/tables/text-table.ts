import { visibleText } from '../text/visible.js';
import { graphemesOf } from './graphemes.js';
import type { Table } from './record-table.js';

/** A table laid out as terminal lines: the header's lines, then each row's lines (a wrapped cell adds lines). */
export interface TextTable {
  header: string[];
  rows: string[][];
  /** Too many columns for the width: each record is a `- key: value` block instead (the header is empty). */
  stacked: boolean;
}

export interface TextTableOptions {
  /**
   * Columns the lines may take. Wider cells wrap onto continuation lines; nothing is ever cut.
   * @default Infinity (every column as wide as its widest cell)
   */
  width?: number;
  /**
   * Spaces between columns.
   * @default 2
   */
  gap?: number;
  /**
   * A column is never narrowed below this (or its widest cell, when narrower); when the columns cannot all get
   * it, the records are stacked.
   * @default 8
   */
  minColumn?: number;
}

/** Lay a table out in columns padded to width, fitted to `width` by wrapping the widest columns. */
export function layoutTable(table: Table, options: TextTableOptions = {}): TextTable {
  const { width = Infinity, gap = 2, minColumn = 8 } = options;
  const header = table.columns.map(visible);
  const rows = table.rows.map((row) => header.map((_, c) => visible(row[c] ?? '')));
  const natural = header.map((h, c) => Math.max(1, widest(h), ...rows.map((r) => widest(r[c]!))));
  const gaps = gap * Math.max(0, header.length - 1);
  let widths = natural;
  if (sum(natural) + gaps > width) {
    const least = natural.map((n) => Math.min(n, minColumn));
    if (sum(least) + gaps > width) return stacked(header, rows, width);
    widths = share(natural, least, width - gaps);
  }
  const line = (cells: string[]) => gridLines(cells, widths, gap);
  return { header: line(header), rows: rows.map(line), stacked: false };
}

/** All the lines of a laid-out table, header first. */
export function tableLines(layout: TextTable): string[] {
  return [...layout.header, ...layout.rows.flat()];
}

/** Terminal columns a text takes: East Asian wide characters and emoji take two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  let at = 0;
  while (at < text.length) {
    OTHER.lastIndex = at;
    const other = OTHER.exec(text);
    if (!other) return width + text.length - at;
    // Printable ASCII is a column a character, but the character just before another may take marks after it.
    const start = Math.max(at, other.index - 1);
    width += start - at;
    at = start;
    for (const { segment, index } of graphemesOf(text, at)) {
      width += graphemeWidth(segment);
      at = index + segment.length;
      if (isPrintableAscii(text.charCodeAt(at))) break;
    }
  }
  return width;
}

/** A character that is not printable ASCII. */
const OTHER = /[^\x20-\x7e]/g;

function isPrintableAscii(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/**
 * A text cut to at most `width` columns, its last column `…` when it is cut. It reads the text only as far as the
 * cut, so a 150 KB line costs what its first `width` columns do; an ANSI escape sequence is never cut in two.
 */
export function fitWidth(text: string, width: number): string {
  const limit = Math.max(1, Math.floor(width));
  // No code unit takes more than two columns.
  if (text.length * 2 <= limit) return text;
  let used = 0;
  let fits = 0;
  let skip = 0;
  for (const { segment, index } of graphemesOf(text)) {
    if (index < skip) continue;
    if (segment === '\u001b') {
      ESCAPE.lastIndex = index;
      const sequence = ESCAPE.exec(text);
      if (sequence) {
        skip = index + sequence[0].length;
        if (used < limit) fits = skip;
        continue;
      }
    }
    used += graphemeWidth(segment);
    if (used > limit) return `${text.slice(0, fits)}…`;
    if (used < limit) fits = index + segment.length;
  }
  return text;
}

/** A CSI or OSC escape sequence (colours, hyperlinks), bounded so that an unterminated one is not read to the end. */
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b(?:\[[0-?]{0,64}[ -/]{0,8}[@-~]|\][^\u0007\u001b]{0,2048}(?:\u0007|\u001b\\))/y;

/**
 * A text as lines of at most `width` columns: its own line breaks kept, long lines broken after a space (which
 * is dropped), a `/` or a `,`, else wherever the width ends. Every character is kept (but those spaces).
 */
export function wrapText(text: string, width: number): string[] {
  const limit = Math.max(1, Math.floor(width));
  return visible(text)
    .split('\n')
    .flatMap((line) => wrapLine(line, limit));
}

/** A cell's text made safe for a terminal ([visibleText](../text/visible.ts)), a tab shown as `\t` (it would break the columns). */
export function visible(text: string): string {
  return visibleText(text).replaceAll('\t', '\\t');
}

function wrapLine(line: string, width: number): string[] {
  if (displayWidth(line) <= width) return [line];
  const graphemes = [...graphemesOf(line)].map(({ segment }) => ({ text: segment, width: graphemeWidth(segment) }));
  const out: string[] = [];
  let start = 0;
  while (start < graphemes.length) {
    let end = start;
    let used = 0;
    while (end < graphemes.length && (end === start || used + graphemes[end]!.width <= width)) used += graphemes[end++]!.width;
    if (end === graphemes.length) {
      out.push(join(graphemes, start, end));
      break;
    }
    // Break after the last space, slash or comma that fits; a space at the break is not carried to either line.
    let cut = -1;
    for (let i = end - 1; i > start; i--) {
      if (graphemes[i]!.text === ' ' || /^[/,]$/.test(graphemes[i]!.text)) {
        cut = i;
        break;
      }
    }
    if (graphemes[end]!.text === ' ') cut = end;
    if (cut === -1) {
      out.push(join(graphemes, start, end));
      start = end;
    } else if (graphemes[cut]!.text === ' ') {
      out.push(join(graphemes, start, cut));
      start = cut + 1;
    } else {
      out.push(join(graphemes, start, cut + 1));
      start = cut + 1;
    }
  }
  return out;
}

/** Widths for columns that do not all fit: each column gets up to a common level, narrow ones keep their width. */
function share(natural: number[], least: number[], room: number): number[] {
  const at = (level: number) => natural.map((n, i) => Math.min(n, Math.max(least[i]!, level)));
  let low = 0;
  let high = Math.max(...natural);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (sum(at(mid)) <= room) low = mid;
    else high = mid - 1;
  }
  const widths = at(low);
  // What the level leaves over goes one column at a time to the columns still narrower than their cells.
  let left = room - sum(widths);
  for (let i = 0; left > 0 && i < widths.length; i++) {
    if (widths[i]! < natural[i]!) {
      widths[i]!++;
      left--;
    }
  }
  return widths;
}

function gridLines(cells: string[], widths: number[], gap: number): string[] {
  const wrapped = cells.map((cell, c) => wrapText(cell, widths[c]!));
  const height = Math.max(1, ...wrapped.map((w) => w.length));
  return Array.from({ length: height }, (_, i) =>
    wrapped
      .map((w, c) => pad(w[i] ?? '', widths[c]!))
      .join(' '.repeat(gap))
      .trimEnd(),
  );
}

/** Records as `- key: value` blocks; a value too long for the room beside its key goes under it, indented. */
function stacked(header: string[], rows: string[][], width: number): TextTable {
  const keyWidth = Math.max(...header.map((h) => displayWidth(h))) + 1;
  const beside = width - 2 - keyWidth - 1;
  const block = (row: string[]) =>
    header.flatMap((key, c) => {
      const lead = c === 0 ? '- ' : '  ';
      const lines = wrapText(row[c]!, beside);
      if (beside >= 10 && lines.length === 1) return [`${lead}${pad(`${key}:`, keyWidth)} ${lines[0]}`.trimEnd()];
      const under = wrapText(row[c]!, width - 4).filter((l) => l !== '');
      return [...wrapText(`${key}:`, width - 2).map((k, i) => `${i === 0 ? lead : '  '}${k}`), ...under.map((l) => `    ${l}`)];
    });
  return { header: [], rows: rows.map(block), stacked: true };
}

function widest(text: string): number {
  return Math.max(0, ...text.split('\n').map(displayWidth));
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function join(graphemes: readonly { text: string }[], start: number, end: number): string {
  return graphemes
    .slice(start, end)
    .map((g) => g.text)
    .join('');
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function graphemeWidth(grapheme: string): number {
  const code = grapheme.codePointAt(0)!;
  if (code < 0x7f && grapheme.length === 1) return code < 0x20 ? 0 : 1;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if (/^\p{Mn}/u.test(grapheme)) return 0;
  if (/\p{Emoji_Presentation}|\uFE0F/u.test(grapheme)) return 2;
  return isWide(code) ? 2 : 1;
}

/** East Asian Wide and Fullwidth blocks (Unicode 15): Hangul, CJK, kana, fullwidth forms. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}
