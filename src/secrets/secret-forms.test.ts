import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMasker, MASK } from './masker.js';
import { ENCODINGS, MIN_SHIFTED_BASE64, MIN_WRAPPED_BASE64_LINE, secretFormKinds, secretForms } from './secret-forms.js';

const bash = (script: string, secret: string, env: Record<string, string> = {}): string =>
  execFileSync('bash', ['-c', script, '_', secret], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...env } }).replace(/\n$/, '');

/** RFC 3986: everything but letters, digits and `-_.~` percent-encoded, in the hex case given. */
const rfc3986 = (text: string, lower = false): string => {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return lower ? encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()) : encoded;
};

/** Every non-ASCII or listed character as `\uXXXX`, as Python's `json.dumps` (ensure_ascii) and Go write it. */
const uEscape = (text: string, pattern: RegExp, upper = false): string =>
  JSON.stringify(text).slice(1, -1).replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`);

// A token with every character URL encoders disagree on, quotes, shell specials and non-ASCII.
const TOKEN = "p@ss w'o(r)d!*~/é:<&>$x";

describe('ENCODINGS: every way a tool writes a secret is masked', () => {
  const basic = (user: string) => Buffer.from(`${user}:${TOKEN}`).toString('base64');
  // The name, the text a tool writes, and how many characters of it may stay: none but the quotes, and for base64
  // inside a longer string the encoded user and the edge characters that mix the secret with its neighbours.
  const shown: [string, string, number?][] = [
    ['encodeURIComponent', encodeURIComponent(TOKEN)],
    ['RFC 3986, upper-case hex', rfc3986(TOKEN)],
    ['RFC 3986, lower-case hex', rfc3986(TOKEN, true)],
    ['form encoding, spaces as +', rfc3986(TOKEN).replace(/%20/g, '+').replace(/%2A/g, '*').replace(/~/g, '%7E')],
    ["Python quote() (keeps '/')", rfc3986(TOKEN).replace(/%2F/g, '/')],
    ['JSON.stringify', JSON.stringify(TOKEN).slice(1, -1)],
    ['\\uXXXX for non-ASCII (Python ensure_ascii)', uEscape(TOKEN, /[\u0080-\uffff]/g)],
    ['\\uXXXX upper-case', uEscape(TOKEN, /[\u0080-\uffff]/g, true)],
    ['Go HTML-safe JSON', uEscape(TOKEN, /[<>&]/g)],
    ['every character \\uXXXX', uEscape(TOKEN, /[\s\S]/g)],
    ['printf %q', bash('printf %q "$1"', TOKEN)],
    ['set -x', bash('exec 2>&1; set -x; : "$1"', TOKEN).replace(/^\+ : /, ''), 2], // its quotes stay
    ['printf %q, C locale ($\'...\' with octal bytes)', bash('printf %q "$1"', `${TOKEN}\n`, { LANG: 'C', LC_ALL: 'C' }), 5], // $'…\n'
    ['declare -p (double-quoted)', bash('p=$1; declare -p p', TOKEN).replace(/^declare -- p=/, '').trim(), 2], // its quotes stay
    ['Basic auth, user of 1 byte (offset 2)', basic('u'), 8],
    ['Basic auth, user of 2 bytes (offset 0)', basic('us'), 8],
    ['Basic auth, user of 3 bytes (offset 1)', basic('usr'), 8],
    ['base64url inside a longer string', Buffer.from(`xx${TOKEN}yyy`).toString('base64url'), 8],
  ];
  const masker = createMasker([TOKEN]);

  it.each(shown)('%s', (_name, text, kept = 0) => {
    const masked = masker.mask(text);
    expect(masked).toContain(MASK);
    expect(masked.replace(MASK, '').length, masked).toBeLessThanOrEqual(kept);
  });

  it('names each form by the encoding that gives it, raw first', () => {
    const kinds = new Map(secretFormKinds(TOKEN).map(({ form, kind }) => [form, kind]));
    expect(kinds.get(TOKEN)).toBe('raw');
    expect(kinds.get(rfc3986(TOKEN, true))).toBe('URL-encoded');
    expect(kinds.get(uEscape(TOKEN, /[\s\S]/g))).toBe('JSON-escaped');
    expect(kinds.get(bash('printf %q "$1"', TOKEN))).toBe('shell-quoted');
    expect(kinds.get(Buffer.from(TOKEN).toString('base64'))).toBe('base64');
    expect(new Set(ENCODINGS.map((e) => e.kind)).size).toBe(ENCODINGS.length);
  });
});

describe('secretForms', () => {
  it('lists the raw secret, its base64 variants, and its URL and JSON encodings, each once', () => {
    const forms = secretForms('a b"c');
    expect(new Set(forms).size).toBe(forms.length);
    expect(forms).toEqual(
      expect.arrayContaining(['a b"c', 'YSBiImM=', 'YSBiImM', 'YSBiImMK', 'a%20b%22c', 'a+b%22c', 'a b\\"c', 'a\\ b\\"c']),
    );
    expect(forms).not.toContain('');
  });

  it('adds the lines of wrapped base64, but not a short last line that would mask common text', () => {
    const forms = secretForms('z'.repeat(58)); // base64 of 59 bytes ("…\n") wraps as 76 + 4 characters
    const wrapped = Buffer.from(`${'z'.repeat(58)}\n`).toString('base64');
    expect(wrapped).toHaveLength(80);
    expect(forms).toContain(wrapped.slice(0, 76));
    expect(wrapped.slice(76).length).toBeLessThan(MIN_WRAPPED_BASE64_LINE);
    expect(forms).not.toContain(wrapped.slice(76));
  });

  it('skips URL forms for a lone surrogate, which cannot be URL-encoded', () => {
    expect(() => secretForms('ab\ud800cd')).not.toThrow();
    expect(secretForms('ab\ud800cd')).toContain('ab\ud800cd');
  });

  it('base64 at any offset: every character that holds only bits of the secret is masked', () => {
    const bytes = fc.uint8Array({ maxLength: 5 });
    const secretArb = fc.string({ unit: fc.constantFrom(...'abcxyz01=+/:\n é😀'), minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(secretArb, bytes, bytes, fc.boolean(), (secret, before, after, urlSafe) => {
        const encoded = Buffer.concat([before, Buffer.from(secret), after]).toString(urlSafe ? 'base64url' : 'base64');
        const first = Math.ceil((8 * before.length) / 6);
        const end = Math.floor((8 * (before.length + Buffer.byteLength(secret))) / 6);
        const inner = encoded.slice(first, end);
        if (inner.length < MIN_SHIFTED_BASE64) return;
        expect(createMasker([secret]).mask(encoded)).not.toContain(inner);
      }),
      { numRuns: 300 },
    );
  });

  it('URL-encoded by any encoder, in either hex case: never shown', () => {
    const secretArb = fc.string({ unit: fc.constantFrom(..."ab01 /:@!'()*~-_.é"), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(secretArb, fc.boolean(), fc.boolean(), (secret, strict, lower) => {
        const encoded = strict ? rfc3986(secret, lower) : encodeURIComponent(secret);
        expect(createMasker([secret]).mask(`?t=${encoded}&x`)).toBe(`?t=${MASK}&x`);
      }),
      { numRuns: 300 },
    );
  });
});
