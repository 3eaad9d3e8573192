import { assertNever } from '../errors.js';
import { backtickEscape, shellQuote } from './shell-quote.js';

/**
 * Where in the shell's quoting a `${{ }}` sits, which decides how its value is spelled:
 * - `word`: unquoted (also inside an unquoted `${...}`): `'v'`
 * - `double`: inside "...": close, quote, reopen: `"'v'"`
 * - `single`: inside '...': `''v''`; `ansi`: inside $'...': `''v'$'`
 * - `comment`: after `#`: `'v'` with newlines written as `\n`, so the comment cannot end early
 */
export type WordMode = 'word' | 'double' | 'single' | 'ansi' | 'comment';

/** A mode plus the old-style backticks around the expansion, outermost first: true where one sits in "...". */
export interface WordContext {
  mode: WordMode;
  backticks: readonly boolean[];
}

/** The script text that makes the shell see exactly `value`, as one word, in this context. */
export function spellWord(value: string, context: WordContext): string {
  let text = spellInMode(value, context.mode);
  for (const inDouble of context.backticks.toReversed()) text = backtickEscape(text, inDouble);
  return text;
}

function spellInMode(value: string, mode: WordMode): string {
  switch (mode) {
    case 'word':
      return shellQuote(value);
    case 'double':
      return `"${shellQuote(value)}"`;
    case 'single':
      return `'${shellQuote(value)}'`;
    case 'ansi':
      return `'${shellQuote(value)}$'`;
    case 'comment':
      return shellQuote(value.replaceAll('\n', '\\n'));
    default:
      return assertNever(mode);
  }
}
