/** One single-quoted POSIX shell word whose value is exactly `value`; `'` becomes `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The text of `value` for use between double quotes: `\`, `$`, backtick and `"` get a backslash. */
export function doubleQuoteEscape(value: string): string {
  return value.replace(/[\\$`"]/g, (char) => `\\${char}`);
}

/** Re-encodes text for one level of old-style backticks, whose contents lose one level of backslashes. */
export function backtickEscape(text: string): string {
  return text.replace(/[\\$`]/g, (char) => `\\${char}`);
}
