import { describe, expect, it } from 'vitest';
import { scanForSecrets } from './secret-scan.js';

const secret = { name: 'token', value: 'p@ss word/1' };
const file = (path: string, text: string) => ({ path, data: Buffer.from(text) });

describe('scanForSecrets', () => {
  it('finds the raw, base64, URL- and JSON-encoded forms, with the first line they are on', () => {
    const findings = scanForSecrets(
      [
        file('raw.log', 'one\ntwo p@ss word/1\n'),
        file('b64.log', `x\ny\n${Buffer.from('p@ss word/1\n').toString('base64')}\n`),
        file('url.log', `GET /?t=${encodeURIComponent('p@ss word/1')}`),
        file('form.log', 'body: p%40ss+word%2F1'),
        file('clean.log', 'p@ss word/ 1 and ****'),
      ],
      [secret],
    );
    expect(findings).toEqual([
      { path: 'raw.log', line: 2, secret: 'token', form: 'raw' },
      { path: 'b64.log', line: 3, secret: 'token', form: 'base64' },
      { path: 'url.log', line: 1, secret: 'token', form: 'URL-encoded' },
      { path: 'form.log', line: 1, secret: 'token', form: 'URL-encoded' },
    ]);
  });

  it('finds the forms of the masker\'s whole table: lower-case hex, Basic auth at any offset, shell quoting', () => {
    const token = { name: 'token', value: "it's(1)~" };
    const findings = scanForSecrets(
      [
        file('url.log', 'GET /?t=it%27s%281%29%7e'),
        file('auth.log', `Authorization: Basic ${Buffer.from(`u:${token.value}`).toString('base64')}`),
        file('trace.log', "+ curl -u 'it'\\''s(1)~'"),
        file('json.log', '{"t":"\\u0069\\u0074\\u0027\\u0073\\u0028\\u0031\\u0029\\u007e"}'),
      ],
      [token],
    );
    expect(findings.map((f) => [f.path, f.form])).toEqual([
      ['url.log', 'URL-encoded'],
      ['auth.log', 'base64'],
      ['trace.log', 'shell-quoted'],
      ['json.log', 'JSON-escaped'],
    ]);
  });

  it('looks at file names too, and reports each secret once per file', () => {
    const other = { name: 'FIELDBOOK_SECRET_SSH_PASSWORD', value: 'hunter2-long' };
    expect(scanForSecrets([file('logs/p@ss word/1.log', 'hunter2-long hunter2-long')], [secret, other])).toEqual([
      { path: 'logs/p@ss word/1.log', line: 0, secret: 'token', form: 'raw' },
      { path: 'logs/p@ss word/1.log', line: 1, secret: 'FIELDBOOK_SECRET_SSH_PASSWORD', form: 'raw' },
    ]);
  });
});
