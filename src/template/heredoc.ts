import { charAt, holeAt, type Item } from './script-items.js';

/** A here-document waiting for its body: the delimiter after quote removal, and whether `<<-` strips tabs. */
export interface Heredoc {
  delimiter: string;
  stripTabs: boolean;
  /** A `${{ }}` in the delimiter: the body's end cannot be known, so no line closes it. */
  unknowable: boolean;
}

const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/**
 * Reads the delimiter word after `<<` (or `<<-`); `i` points just after `<<`. Quotes and backslashes are
 * removed as the shell does. Returns the holes found in the word, which can never be quoted safely.
 */
export function readHeredocOperator(
  items: readonly Item[],
  i: number,
): { heredoc: Heredoc | undefined; next: number; holes: number[] } {
  let j = i;
  const stripTabs = charAt(items, j) === '-';
  if (stripTabs) j++;
  while (charAt(items, j) === ' ' || charAt(items, j) === '\t') j++;
  const holes: number[] = [];
  let delimiter = '';
  let seen = false;
  const take = (at: number): void => {
    const hole = holeAt(items, at);
    if (hole) holes.push(hole.hole);
    else delimiter += charAt(items, at) ?? '';
  };
  while (j < items.length) {
    const char = charAt(items, j);
    if (char !== undefined && WORD_END.has(char)) break;
    seen = true;
    if (char === "'" || char === '"') {
      j++;
      while (j < items.length && charAt(items, j) !== char) {
        if (char === '"' && charAt(items, j) === '\\' && '$`"\\\n'.includes(charAt(items, j + 1) ?? 'x')) j++;
        take(j++);
      }
      j++;
    } else if (char === '\\') {
      take(j + 1);
      j += 2;
    } else if (char === '$' && (charAt(items, j + 1) === "'" || charAt(items, j + 1) === '"')) {
      j++;
    } else {
      take(j++);
    }
  }
  const heredoc = seen ? { delimiter, stripTabs, unknowable: holes.length > 0 } : undefined;
  return { heredoc, next: j, holes };
}

/** Whether a body line (without its newline) ends the here-document. */
export function endsHeredoc(line: readonly Item[], heredoc: Heredoc): boolean {
  if (heredoc.unknowable || line.some((item) => typeof item !== 'string')) return false;
  let text = line.join('');
  if (heredoc.stripTabs) text = text.replace(/^\t+/, '');
  return text === heredoc.delimiter;
}
