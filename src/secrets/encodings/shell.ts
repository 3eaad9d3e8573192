/** What bash's `printf %q` escapes with a backslash anywhere in a word (bash `sh_backslash_quote`). */
const BACKSLASHED = new Set('\t\n !"$&\'()*,;<>?[\\]^`{|}');

/**
 * How bash shows `text` quoted, without the surrounding quotes: `set -x` single-quotes a word (`'it'\''s'`),
 * `printf %q` escapes with backslashes (`it\'s`, `\~` and `\#` at the start of a word), and both use
 * `$'...'` when it holds a control character, with non-ASCII as is (UTF-8 locale) or as octal bytes (C locale);
 * `declare -p` double-quotes it.
 */
export function shellForms(text: string): string[] {
  const backslashed = [...text].map((c) => (BACKSLASHED.has(c) ? `\\${c}` : c)).join('');
  const forms = [text.replace(/'/g, "'\\''"), backslashed];
  if (/^[~#]/.test(text)) forms.push(`\\${backslashed}`);
  forms.push(ansiC(text, 'raw'), ansiC(text, 'octal'));
  // `declare -p`, `typeset -p`, `export -p`: double quotes, `\`, `$`, `"` and `` ` `` backslashed (bash `sh_double_quote`).
  forms.push(text.replace(/[\\$"`]/g, (c) => `\\${c}`));
  return forms;
}

const NAMED: Record<string, string> = { '\x1b': 'E', '\x07': 'a', '\v': 'v', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\\': '\\', "'": "'" };

/** The inside of bash's `$'...'` (bash `ansic_quote`): named escapes, other control bytes as `\ooo`. */
function ansiC(text: string, nonAscii: 'raw' | 'octal'): string {
  let out = '';
  for (const char of text) {
    const named = NAMED[char];
    if (named !== undefined) out += `\\${named}`;
    else if (/^[\x20-\x7e]$/.test(char) || (nonAscii === 'raw' && char >= '\xa0')) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}
