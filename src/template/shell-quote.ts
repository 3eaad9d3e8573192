/** One single-quoted POSIX shell word whose value is exactly `value`; `'` becomes `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A word for a command line a person pastes: as it is when the shell reads it so, else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9._/:=@%+,-]+$/.test(value) ? value : shellQuote(value);
}

/**
 * Re-encodes text for one level of old-style backticks, whose contents lose one level of backslashes.
 * Within "..." a `"` is escaped too: the shell removes that backslash, and bash's brace expansion, which
 * does not see backticks inside double quotes, would otherwise take the `"` as the end of the string.
 */
export function backtickEscape(text: string, inDouble: boolean): string {
  return text.replace(inDouble ? /[\\$`"]/g : /[\\$`]/g, (char) => `\\${char}`);
}
