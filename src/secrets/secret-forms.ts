/**
 * Every form in which a secret can show up in a command's output, so that the masker can hide each of them.
 *
 * Length policy: every non-empty secret is masked, however short. A 1–3 character secret is a bad idea (every
 * occurrence of those characters in every output is hidden, which makes logs hard to read), but leaking it
 * would be worse, and the masker cannot tell a real occurrence from a coincidence. Only *derived fragments*
 * (single lines of a multi-line secret, lines of wrapped base64) have a minimum length, because masking every
 * "a" or every `Cg==` would hide far more than the secret while protecting almost nothing.
 */

/** A line of a multi-line secret shorter than this is not masked on its own (the whole secret still is). */
export const MIN_LINE_LENGTH = 4;

/** A line of wrapped base64 shorter than this (it encodes at most 3 bytes of the secret) is not masked alone. */
export const MIN_WRAPPED_BASE64_LINE = 8;

/** Widths at which tools wrap base64: GNU `base64` and MIME (76), `openssl base64` and PEM (64). */
const BASE64_WRAP_WIDTHS = [76, 64] as const;

/** The distinct non-empty strings that reveal `secret`: raw, per line, base64, URL- and JSON-encoded. */
export function secretForms(secret: string): string[] {
  if (secret === '') return [];
  const forms = new Set<string>([secret]);

  const lines = secret.split(/\r\n|\r|\n/).filter((line) => line !== '');
  if (lines.length > 1) {
    for (const line of lines) if (line.length >= MIN_LINE_LENGTH) forms.add(line);
    // A terminal (pty) turns "\n" into "\r\n".
    forms.add(secret.replace(/\r?\n/g, '\r\n'));
  } else if (lines.length === 1 && lines[0] !== undefined) {
    // "hunter2\n" read from a file: the line itself is the secret, whatever its length.
    forms.add(lines[0]);
  }

  // `printf %s secret | base64`, `echo secret | base64`, and a secret read from a file without its newline.
  const plain = new Set([secret, `${secret}\n`, secret.replace(/[\r\n]+$/, '')]);
  for (const text of plain) if (text !== '') for (const form of base64Forms(text)) forms.add(form);

  forms.add(JSON.stringify(secret).slice(1, -1));
  for (const form of urlForms(secret)) forms.add(form);
  forms.delete('');
  return [...forms];
}

/** Standard and URL-safe base64, each with and without padding, and the lines of its wrapped form. */
function base64Forms(text: string): string[] {
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
  return forms;
}

/** `encodeURIComponent`, and the form encoding that writes spaces as `+` (URLSearchParams, HTML forms). */
function urlForms(secret: string): string[] {
  let encoded: string;
  try {
    encoded = encodeURIComponent(secret);
  } catch {
    return []; // a lone surrogate cannot be URL-encoded, so it cannot appear URL-encoded either
  }
  return [encoded, encoded.replace(/%20/g, '+')];
}
