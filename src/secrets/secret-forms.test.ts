import { describe, expect, it } from 'vitest';
import { MIN_WRAPPED_BASE64_LINE, secretForms } from './secret-forms.js';

describe('secretForms', () => {
  it('lists the raw secret, its base64 variants, and its URL and JSON encodings, each once', () => {
    const forms = secretForms('a b"c');
    expect(new Set(forms).size).toBe(forms.length);
    expect(forms).toEqual(
      expect.arrayContaining(['a b"c', 'YSBiImM=', 'YSBiImM', 'YSBiImMK', 'a%20b%22c', 'a+b%22c', 'a b\\"c']),
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
});
