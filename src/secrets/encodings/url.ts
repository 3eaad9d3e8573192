/**
 * Characters each URL encoder leaves as they are, besides ASCII letters and digits: `encodeURIComponent`,
 * RFC 3986's unreserved set (Python `quote(s, safe='')`, curl, Go `PathEscape` minus its extras), the form
 * encoding (WHATWG, Java `URLEncoder`), PHP `urlencode`, Python `quote`'s default (keeps `/`) and `encodeURI`.
 */
const KEPT = ["-_.!~*'()", '-_.~', '-_.*', '-_.', '-_.~/', "-_.!~*'();,/?:@&=+$#"] as const;

/** Every way a URL encoder writes `text`: each kept set, with upper- and lower-case hex, spaces as `%20` or `+`. */
export function urlForms(text: string): string[] {
  // A lone surrogate cannot be URL-encoded, so it cannot appear URL-encoded either.
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) return [];
  const forms = new Set<string>();
  for (const kept of KEPT) {
    for (const hex of ['upper', 'lower'] as const) {
      const encoded = percentEncode(text, kept, hex);
      forms.add(encoded);
      forms.add(encoded.replace(/%20/g, '+'));
    }
  }
  return [...forms];
}

function percentEncode(text: string, kept: string, hex: 'upper' | 'lower'): string {
  let out = '';
  for (const char of text) {
    if (/^[A-Za-z0-9]$/.test(char) || kept.includes(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) {
      const digits = byte.toString(16).padStart(2, '0');
      out += `%${hex === 'upper' ? digits.toUpperCase() : digits}`;
    }
  }
  return out;
}
