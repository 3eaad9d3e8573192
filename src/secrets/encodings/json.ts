/**
 * Every way a JSON encoder writes `text` inside a string: `JSON.stringify`; `\uXXXX` for non-ASCII (Python's
 * `ensure_ascii`, in lower and upper case); Go's HTML-safe `<`, `>`, `&`; PHP's `\/` with `\uXXXX`; and every
 * character as `\uXXXX`, which any JSON reader accepts.
 */
export function jsonForms(text: string): string[] {
  const plain = JSON.stringify(text).slice(1, -1);
  const ascii = (hex: Hex) => plain.replace(/[\u0080-\uffff]/g, (c) => unicodeEscape(c, hex));
  return [
    plain,
    ascii('lower'),
    ascii('upper'),
    plain.replace(/[<>&\u2028\u2029]/g, (c) => unicodeEscape(c, 'lower')),
    ascii('lower').replace(/\//g, '\\/'),
    [...text].map((c) => [...c].map((unit) => unicodeEscape(unit, 'lower')).join('')).join(''),
    [...text].map((c) => [...c].map((unit) => unicodeEscape(unit, 'upper')).join('')).join(''),
  ];
}

type Hex = 'lower' | 'upper';

/** `\u00e9` for one UTF-16 code unit (a surrogate pair is two escapes, as JSON writes it). */
function unicodeEscape(unit: string, hex: Hex): string {
  const digits = unit.charCodeAt(0).toString(16).padStart(4, '0');
  return `\\u${hex === 'upper' ? digits.toUpperCase() : digits}`;
}
