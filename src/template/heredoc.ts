import { charAt, holeAt, type Item } from './script-items.js';

/** A here-document waiting for its body: the delimiter after quote removal, and whether `<<-` strips tabs. */
export interface Heredoc {
  delimiter: string;
  stripTabs: boolean;
  /** Any part of the delimiter was quoted: the body is literal, and a backslash-newline does not join lines. */
  quoted: boolean;
  /** A `${{ }}` in the delimiter: the body's end cannot be known, so no line closes it. */
  unknowable: boolean;
}

const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/**
 * Reads the delimiter word after `<<` (or `<<-`); `i` points just after `<<`. Quotes and backslashes are
 * removed as the shell does. Returns the holes found in the word, which can never be quoted safely, and
 * whether the word holds a `$(`, `${` or backtick substitution, after which the scanner cannot follow.
 */
export function readHeredocOperator(
  items: readonly Item[],
  i: number,
): { heredoc: Heredoc | undefined; next: number; holes: number[]; substitution: boolean } {
  let j = i;
  const stripTabs = charAt(items, j) === '-';
  if (stripTabs) j++;
  while (charAt(items, j) === ' ' || charAt(items, j) === '\t') j++;
  const holes: number[] = [];
  let delimiter = '';
  let seen = false;
  let substitution = false;
  let quoted = false;
  const take = (at: number): void => {
    const hole = holeAt(items, at);
    if (hole) holes.push(hole.hole);
    else delimiter += charAt(items, at) ?? '';
  };
  while (j < items.length) {
    const char = charAt(items, j);
    if (char !== undefined && WORD_END.has(char)) break;
    seen = true;
    const next = charAt(items, j + 1);
    if (char === '`' || (char === '$' && (next === '(' || next === '{'))) {
      // The shell reads a substitution as part of the word, spaces and all; this scanner does not follow it.
      substitution = true;
      break;
    }
    if (char === "'" || char === '"' || char === '\\') quoted = true;
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
    } else if (char === '$' && (next === "'" || next === '"')) {
      j++;
    } else {
      take(j++);
    }
  }
  const heredoc = seen ? { delimiter, stripTabs, quoted, unknowable: holes.length > 0 } : undefined;
  return { heredoc, next: j, holes, substitution };
}

/**
 * Reads one logical line of a here-document body from `i`: up to a newline, except that with an unquoted
 * delimiter a backslash-newline joins the next line (and `\\` is an escaped backslash), as the shell does.
 */
export function readBodyLine(items: readonly Item[], i: number, heredoc: Heredoc): { line: Item[]; next: number } {
  const line: Item[] = [];
  let j = i;
  while (j < items.length && charAt(items, j) !== '\n') {
    if (!heredoc.quoted && charAt(items, j) === '\\') {
      if (charAt(items, j + 1) === '\n') {
        j += 2;
        continue;
      }
      line.push(...items.slice(j, j + 2));
      j += 2;
      continue;
    }
    const item = items[j];
    if (item !== undefined) line.push(item);
    j++;
  }
  return { line, next: j + 1 };
}

/** Whether a body line (without its newline) ends the here-document. */
export function endsHeredoc(line: readonly Item[], heredoc: Heredoc): boolean {
  if (heredoc.unknowable || line.some((item) => typeof item !== 'string')) return false;
  let text = line.join('');
  if (heredoc.stripTabs) text = text.replace(/^\t+/, '');
  return text === heredoc.delimiter;
}
