/** A line of wrapped base64 shorter than this (it encodes at most 3 bytes of the secret) is not masked alone. */
export const MIN_WRAPPED_BASE64_LINE = 8;

/**
 * A shifted form shorter than this is not masked: 4 characters hold 3 bytes of the secret, as a line of a
 * multi-line secret must hold 4 characters (shorter fragments would hide common text, protecting little).
 */
export const MIN_SHIFTED_BASE64 = 4;

/** Widths at which tools wrap base64: GNU `base64` and MIME (76), `openssl base64` and PEM (64). */
const BASE64_WRAP_WIDTHS = [76, 64] as const;

/**
 * `text` as base64 is printed: standard and URL-safe, each with and without padding, the lines of its wrapped
 * form, and the three shifted forms of `text` inside a longer encoded string.
 */
export function base64Forms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const standard = bytes.toString('base64');
  const urlSafe = bytes.toString('base64url');
  const padding = '='.repeat(standard.length - urlSafe.length);
  const forms = [standard, standard.replace(/=+$/, ''), urlSafe, urlSafe + padding];
  for (const width of BASE64_WRAP_WIDTHS) {
    if (standard.length <= width) continue;
    for (let at = 0; at < standard.length; at += width) {
      const line = standard.slice(at, at + width);
      if (line.length >= MIN_WRAPPED_BASE64_LINE) forms.push(line);
    }
  }
  for (const shifted of shiftedForms(bytes)) forms.push(shifted, shifted.replace(/\+/g, '-').replace(/\//g, '_'));
  return forms;
}

/**
 * `bytes` at offsets 0, 1 and 2 (mod 3) of a longer encoded string, as in HTTP Basic auth's `user:secret`: only
 * the characters whose 6 bits all come from `bytes`. The edge characters mix in the bytes around it, which
 * are unknown, so they are dropped (they reveal at most 4 bits of the secret each).
 */
export function shiftedForms(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes, Buffer.alloc(2)]);
    const encoded = padded.toString('base64');
    const first = Math.ceil((8 * shift) / 6);
    const end = Math.floor((8 * (shift + bytes.length)) / 6); // characters [first, end) hold only `bytes`
    if (end - first >= MIN_SHIFTED_BASE64) forms.push(encoded.slice(first, end));
  }
  return forms;
}
