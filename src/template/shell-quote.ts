/** One single-quoted POSIX shell word whose value is exactly `value`; `'` becomes `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Re-encodes text for one level of old-style backticks, whose contents lose one level of backslashes.
 * Within "..." a `"` is escaped too: the shell removes that backslash, and bash's brace expansion, which
 * does not see backticks inside double quotes, would otherwise take the `"` as the end of the string.
 */
export function backtickEscape(text: string, inDouble: boolean): string {
  return text.replace(inDouble ? /[\\$`"]/g : /[\\$`]/g, (char) => `\\${char}`);
}
