import type { Table } from './record-table.js';
import { visible } from './text-table.js';

/** A GitHub-flavoured Markdown table: a header row, the delimiter row, then a row per record. */
export function markdownTable(table: Table): string[] {
  const row = (cells: readonly string[]) => `| ${table.columns.map((_, c) => markdownCell(cells[c] ?? '')).join(' | ')} |`;
  return [row(table.columns), `|${table.columns.map(() => '---').join('|')}|`, ...table.rows.map(row)];
}

/**
 * A cell's text as Markdown that shows exactly that text: `|` and every character with an inline meaning
 * (emphasis, code, links, HTML, entities, strikethrough) backslash-escaped, line breaks as `<br>`.
 */
export function markdownCell(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => visible(line).replace(/[\\`*_[\]<>|&~]/g, '\\$&'))
    .join('<br>');
}
