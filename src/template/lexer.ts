import { TemplateError } from './errors.js';

/** One token of a `${{ }}` expression; `at` is an index in the template text. */
export type Token =
  | { type: 'op'; value: '==' | '!=' | '!' | '&&' | '||' | '(' | ')'; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'word'; value: string; at: number }
  | { type: 'end'; at: number };

const TWO_CHAR_OPS = ['==', '!=', '&&', '||'] as const;
const LONE_CHAR_HINTS: Record<string, string> = { '=': '==', '&': '&&', '|': '||' };
const WORD_CHAR = /[A-Za-z0-9_.-]/;

/**
 * Splits the expression that starts at `start` (just after `${{`) into tokens, up to and including the
 * closing `}}`, which becomes the `end` token. A `}}` inside a string literal does not close it.
 */
export function tokenize(text: string, start: number): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) {
      throw new TemplateError('expected "}}" to close "${{" but found end of text', start - 3);
    }
    const char = text[i] ?? '';
    if (text.startsWith('}}', i)) {
      tokens.push({ type: 'end', at: i });
      return { tokens, end: i + 2 };
    }
    const op = TWO_CHAR_OPS.find((candidate) => text.startsWith(candidate, i));
    if (op) {
      tokens.push({ type: 'op', value: op, at: i });
      i += 2;
    } else if (char === '!' || char === '(' || char === ')') {
      tokens.push({ type: 'op', value: char, at: i });
      i += 1;
    } else if (char === "'" || char === '"') {
      const { value, next } = readString(text, i);
      tokens.push({ type: 'string', value, at: i });
      i = next;
    } else if (WORD_CHAR.test(char)) {
      let j = i;
      while (j < text.length && WORD_CHAR.test(text[j] ?? '')) j++;
      tokens.push({ type: 'word', value: text.slice(i, j), at: i });
      i = j;
    } else {
      const hint = LONE_CHAR_HINTS[char];
      const expected = hint ? `"${hint}"` : 'a value or an operator';
      throw new TemplateError(`expected ${expected} but found ${JSON.stringify(char)}`, i);
    }
  }
}

// A string literal in either quote; a doubled quote stands for one quote, backslashes are literal.
function readString(text: string, at: number): { value: string; next: number } {
  const quote = text[at] ?? '';
  let value = '';
  let i = at + 1;
  for (;;) {
    if (i >= text.length) {
      throw new TemplateError(`expected a closing ${quote} for the string but found end of text`, at);
    }
    const char = text[i] ?? '';
    if (char === quote) {
      if (text[i + 1] !== quote) return { value, next: i + 1 };
      i += 1;
    }
    value += char;
    i += 1;
  }
}
