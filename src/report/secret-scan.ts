import { secretFormKinds, type FormKind } from '../secrets/secret-forms.js';

/** A secret known by name (a param, or a FIELDBOOK_SECRET_* variable) and its value. */
export interface KnownSecret {
  name: string;
  value: string;
}

/** Where a secret was found: never the secret itself, only which one, in what form, and where. */
export interface SecretFinding {
  path: string;
  /** 1-based line of the first occurrence; 0 when found in the path itself. */
  line: number;
  secret: string;
  form: FormKind;
}

/**
 * Look for every form of every secret (the masker's table, `ENCODINGS`: raw, each line of a multi-line one,
 * base64, URL-, JSON- and shell-encoded) in each file's path and content. One finding per file and secret.
 */
export function scanForSecrets(files: readonly { path: string; data: Uint8Array }[], secrets: readonly KnownSecret[]): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const needles = secrets.map((secret) => ({ secret, forms: secretFormKinds(secret.value).map(({ form, kind }) => ({ form, bytes: Buffer.from(form, 'utf8'), kind })) }));
  for (const file of files) {
    const data = Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength);
    for (const { secret, forms } of needles) {
      let best: SecretFinding | undefined;
      for (const { form, bytes, kind } of forms) {
        if (file.path.includes(form)) {
          best = { path: file.path, line: 0, secret: secret.name, form: kind };
          break;
        }
        const at = data.indexOf(bytes);
        if (at === -1) continue;
        const line = lineAt(data, at);
        if (!best || line < best.line) best = { path: file.path, line, secret: secret.name, form: kind };
      }
      if (best) findings.push(best);
    }
  }
  return findings;
}

function lineAt(data: Buffer, offset: number): number {
  let line = 1;
  for (let i = data.indexOf(0x0a); i !== -1 && i < offset; i = data.indexOf(0x0a, i + 1)) line++;
  return line;
}
