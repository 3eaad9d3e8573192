// Text that came from a host (or a runbook, a site, a param) is shown to people: on a terminal, in a report. A
// control character in it would act instead of showing (move the cursor, set the title, write the clipboard) and
// a bidi control would reorder what follows. Like `less` and `cat -v`, fieldbook shows them as visible escapes.

// C0 except tab and line feed, DEL, C1 (0x9b is a one-byte CSI), and the bidi embeddings, overrides, isolates and marks.
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'g');

/** How one hidden character is shown: `\r`, `\x1b`, `\x9b`, `<U+202E>`. */
export function visibleChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\r') return '\\r';
  if (code <= 0x9f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
 * Text with every control character and bidi control made visible; tabs and line breaks are kept, and a CR that
 * ends a line (CR LF) is dropped as `less` does. Stateless per character, so chunks can be made visible one by one.
 */
export function visibleText(text: string): string {
  if (!HIDDEN.test(text)) return text;
  return text.replace(/\r\n/g, '\n').replace(HIDDEN_ALL, visibleChar);
}

/**
 * Every string in plain data (objects, arrays, maps) made visible, keys listed in `keep` left as they are: what a
 * UI is handed (events, questions, seeds) is shown to a person. Other objects (functions, class instances) pass.
 */
export function visibleDeep<T>(value: T, keep: ReadonlySet<string> = new Set()): T {
  return mapDeep(value, keep) as T;
}

function mapDeep(value: unknown, keep: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return visibleText(value);
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, keep));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, mapDeep(v, keep)]));
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keep.has(k) ? v : mapDeep(v, keep)]));
}

// JSON escapes C0 itself; DEL, C1 and the bidi controls become \u escapes too.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `JSON.stringify`, with nothing in the text that would drive a terminal showing it; a parser reads the same value. */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
