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

/**
 * The script text that makes the shell see exactly `value`, as one word, in this context. For bash, a newline
 * in the value is written `$'\n'`, so that no line of the script text holds part of a value: bash resumes after
 * a syntax error at the next line (with `set +e`, even inside the `eval` that runs a step), and that line must
 * be the runbook's, not the rest of a value. dash has no `$'...'`, and stops at a syntax error.
 */
export function spellWord(value: string, context: WordContext, shell: 'bash' | 'sh'): string {
  const quote = shell === 'bash' ? bashQuote : shellQuote;
  let text = spellInMode(value, context.mode, quote);
  for (const inDouble of context.backticks.toReversed()) text = backtickEscape(text, inDouble);
  return text;
}

/** `shellQuote`, with each newline outside the quotes as `$'\n'`: one word, on one line. */
function bashQuote(value: string): string {
  return shellQuote(value).replaceAll('\n', () => `'$'\\n''`); // a function: `$'` in a replacement string is a pattern
}

function spellInMode(value: string, mode: WordMode, quote: (value: string) => string): string {
  switch (mode) {
    case 'word':
      return quote(value);
    case 'double':
      return `"${quote(value)}"`;
    case 'single':
      return `'${quote(value)}'`;
    case 'ansi':
      return `'${quote(value)}$'`;
    case 'comment':
      return shellQuote(value.replaceAll('\n', '\\n'));
    default:
      return assertNever(mode);
  }
}
