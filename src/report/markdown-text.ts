import { visibleText } from '../text/visible.js';

/**
 * Text as a Markdown code span that shows exactly that text (made visible, on one line): the fence is one backtick
 * longer than the longest run of backticks in it (CommonMark), with a space inside where CommonMark would take one
 * away. In a table cell pass `cell`: `|` is escaped, which GFM undoes inside a code span.
 */
export function markdownCode(text: string, where: 'text' | 'cell' = 'text'): string {
  const line = visibleText(text).replace(/\n/g, ' ');
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark takes one space off each end when both ends have one: pad so that the text's own spaces stay.
  const spaced = line.startsWith(' ') && line.endsWith(' ') && line.trim() !== '';
  if (line === '') return '` `';
  const pad = spaced || line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  const span = `${fence}${pad}${line}${pad}${fence}`;
  return where === 'cell' ? span.replace(/\|/g, '\\|') : span;
}

/** A fenced block whose fence is longer than any backtick run inside it; each line made visible. */
export function markdownFence(lines: readonly string[]): string[] {
  const shown = lines.map(visibleText);
  const longest = Math.max(2, ...shown.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}text`, ...shown.flatMap((l) => l.split('\n')), fence];
}
