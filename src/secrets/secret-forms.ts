/**
 * Every form in which a secret can show up in a command's output, so that the masker can hide each of them and
 * `fieldbook export` can look for each of them: one table, `ENCODINGS`, read by both.
 *
 * Length policy: every non-empty secret is masked, however short. A 1–3 character secret is a bad idea (every
 * occurrence of those characters in every output is hidden, which makes logs hard to read), but leaking it
 * would be worse, and the masker cannot tell a real occurrence from a coincidence. Only *derived fragments*
 * (single lines of a multi-line secret, lines of wrapped base64, shifted base64) have a minimum length, because
 * masking every "a" or every `Cg==` would hide far more than the secret while protecting almost nothing.
 */
import { base64Forms } from './encodings/base64.js';
import { jsonForms } from './encodings/json.js';
import { shellForms } from './encodings/shell.js';
import { urlForms } from './encodings/url.js';

export { MIN_SHIFTED_BASE64, MIN_WRAPPED_BASE64_LINE } from './encodings/base64.js';

/** A line of a multi-line secret shorter than this is not masked on its own (the whole secret still is). */
export const MIN_LINE_LENGTH = 4;

/** How a form encodes its secret, as `fieldbook export` names it (never the form itself). */
export type FormKind = 'raw' | 'base64' | 'URL-encoded' | 'JSON-escaped' | 'shell-quoted';

/** One way a secret is written: the forms it takes for a secret. */
export interface Encoding {
  kind: FormKind;
  forms(secret: string): string[];
}

/** The texts an encoder is given: the secret, and the secret without the newline a file ends it with. */
function texts(secret: string): string[] {
  return [...new Set([secret, secret.replace(/[\r\n]+$/, '')])].filter((text) => text !== '');
}

/** Every encoding of a secret the masker hides and the export check refuses; `raw` first. */
export const ENCODINGS: readonly Encoding[] = [
  { kind: 'raw', forms: rawForms },
  // `printf %s secret | base64`, `echo secret | base64` (a newline added), a file read without its newline.
  { kind: 'base64', forms: (secret) => [...new Set([...texts(secret), `${secret}\n`])].flatMap(base64Forms) },
  { kind: 'URL-encoded', forms: (secret) => texts(secret).flatMap(urlForms) },
  { kind: 'JSON-escaped', forms: (secret) => texts(secret).flatMap(jsonForms) },
  { kind: 'shell-quoted', forms: (secret) => texts(secret).flatMap(shellForms) },
];

/** The secret, each line of a multi-line one, and its lines as a terminal writes them. */
function rawForms(secret: string): string[] {
  const forms = [secret];
  const lines = secret.split(/\r\n|\r|\n/).filter((line) => line !== '');
  if (lines.length > 1) {
    for (const line of lines) if (line.length >= MIN_LINE_LENGTH) forms.push(line);
    // A terminal (pty) turns "\n" into "\r\n".
    forms.push(secret.replace(/\r?\n/g, '\r\n'));
  } else if (lines.length === 1 && lines[0] !== undefined) {
    // "hunter2\n" read from a file: the line itself is the secret, whatever its length.
    forms.push(lines[0]);
  }
  return forms;
}

/** The distinct non-empty forms of `secret`, each with the first encoding in `ENCODINGS` that gives it. */
export function secretFormKinds(secret: string): { form: string; kind: FormKind }[] {
  if (secret === '') return [];
  const kinds = new Map<string, FormKind>();
  for (const encoding of ENCODINGS) {
    for (const form of encoding.forms(secret)) if (form !== '' && !kinds.has(form)) kinds.set(form, encoding.kind);
  }
  return [...kinds].map(([form, kind]) => ({ form, kind }));
}

/** The distinct non-empty strings that reveal `secret`, in every encoding of `ENCODINGS`. */
export function secretForms(secret: string): string[] {
  return secretFormKinds(secret).map(({ form }) => form);
}
