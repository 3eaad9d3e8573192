import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MASK, createMasker, type MaskStream } from './masker.js';
import { secretForms } from './secret-forms.js';

const b64 = (text: string, encoding: 'base64' | 'base64url' = 'base64'): string =>
  Buffer.from(text, 'utf8').toString(encoding);

function streamAll(stream: MaskStream, chunks: readonly (string | Buffer)[]): string {
  return chunks.map((chunk) => stream.push(chunk)).join('') + stream.flush();
}

/** Cut `text` at the given offsets (any order, duplicates allowed). */
function cut<T extends string | Buffer>(text: T, offsets: readonly number[]): T[] {
  const points = [...new Set(offsets.map((offset) => offset % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: T[] = [];
  let from = 0;
  for (const point of [...points, text.length]) {
    pieces.push(text.slice(from, point) as T);
    from = point;
  }
  return pieces;
}

describe('createMasker: one-shot', () => {
  it('masks the raw secret everywhere, and leaves other text alone', () => {
    const masker = createMasker(['hunter2']);
    expect(masker.mask('login hunter2 ok; again:hunter2')).toBe(`login ${MASK} ok; again:${MASK}`);
    expect(masker.mask('hunter 2, hunter3')).toBe('hunter 2, hunter3');
  });

  it('masks base64 as printed by `printf %s s | base64`, `echo s | base64`, and URL-safe, with and without padding', () => {
    const secret = 'pa?s>w~rd1'; // chosen so that standard and URL-safe base64 differ
    expect(b64(secret)).not.toBe(b64(secret, 'base64url'));
    const masker = createMasker([secret]);
    const shown = [
      b64(secret),
      b64(`${secret}\n`),
      b64(secret).replace(/=+$/, ''),
      b64(secret, 'base64url'),
      `${b64(secret, 'base64url')}==`.slice(0, b64(secret).length),
      b64(`${secret}\n`, 'base64url'),
    ];
    for (const text of shown) expect(masker.mask(`[${text}]`)).toBe(`[${MASK}]`);
  });

  it('masks each wrapped line of a long base64 (GNU base64 wraps at 76 columns)', () => {
    const secret = 'k'.repeat(100);
    const wrapped = b64(`${secret}\n`).replace(/(.{76})/g, '$1\n');
    const masked = createMasker([secret]).mask(wrapped);
    expect(masked.split('\n').filter((line) => line !== '').every((line) => line === MASK)).toBe(true);
  });

  it('masks the URL-encoded and JSON-escaped forms', () => {
    const secret = 'p@ss word/"x"';
    const masker = createMasker([secret]);
    expect(masker.mask(`url=https://h/?p=${encodeURIComponent(secret)}&x=1`)).toBe(`url=https://h/?p=${MASK}&x=1`);
    expect(masker.mask(`form: p=${encodeURIComponent(secret).replace(/%20/g, '+')}`)).toBe(`form: p=${MASK}`);
    expect(masker.mask(JSON.stringify({ password: secret }))).toBe(`{"password":"${MASK}"}`);
  });

  it('masks each line of a multi-line secret on its own, but not lines shorter than 4 characters', () => {
    const secret = '-----BEGIN KEY-----\nAAAAbbbbCCCC\nxy\n-----END KEY-----\n';
    const masker = createMasker([secret]);
    expect(masker.mask('line 2 is AAAAbbbbCCCC.')).toBe(`line 2 is ${MASK}.`);
    expect(masker.mask('xy stays, so do x and y')).toBe('xy stays, so do x and y');
    expect(masker.mask(`cat key:\n${secret}done`)).toBe(`cat key:\n${MASK}done`);
    // A pty writes CRLF: every line is still hidden.
    expect(masker.mask(secret.replace(/\n/g, '\r\n'))).not.toMatch(/AAAA|BEGIN|END/);
  });

  it('masks a secret read from a file with its newline, also where it appears without it', () => {
    const masker = createMasker(['abc\n']);
    expect(masker.mask('x abc y')).toBe(`x ${MASK} y`);
  });

  it('masks even a 1-character secret (a bad idea, but leaking it would be worse); ignores empty secrets', () => {
    expect(createMasker(['q']).mask('quiq')).toBe(`${MASK}ui${MASK}`);
    expect(createMasker(['']).mask('anything')).toBe('anything');
    expect(secretForms('')).toEqual([]);
  });

  it('merges overlapping occurrences into one mask, so no part of either survives', () => {
    const masker = createMasker(['abcd', 'cdefgh']);
    expect(masker.mask('xabcdefghy')).toBe(`x${MASK}y`);
    expect(masker.mask('abcdabcd')).toBe(`${MASK}${MASK}`); // touching, not overlapping
  });

  it('add() learns a secret later; open streams mask it from their next chunk on, held-back text included', () => {
    const masker = createMasker(['secondary']);
    const stream = masker.stream();
    expect(stream.push('a secondary, then: seco')).toBe(`a ${MASK}, then: `); // "seco" could be "secondary"
    masker.add('second');
    expect(stream.push('nd, new second and secondar')).toBe(`${MASK}, new ${MASK} and ${MASK}`);
    expect(stream.push('y!')).toBe('!');
    expect(stream.flush()).toBe('');
    expect(masker.mask('second')).toBe(MASK);
  });
});

describe('createMasker: streams', () => {
  it('emits at once what cannot start a secret, and holds back only a possible start', () => {
    const stream = createMasker(['hunter2']).stream();
    expect(stream.push('hello hun')).toBe('hello ');
    expect(stream.push('ter2 and hunting')).toBe(`${MASK} and hunting`);
    expect(stream.push(' h')).toBe(' ');
    expect(stream.flush()).toBe('h');
  });

  it('emits a completed occurrence at once even while a longer form could still extend it', () => {
    const secret = 'pa?s>w~rd1';
    const stream = createMasker([secret]).stream();
    const unpadded = b64(secret).replace(/=+$/, '');
    expect(stream.push(`x ${unpadded}`)).toBe(`x ${MASK}`);
    expect(stream.push('== y')).toBe(' y');
    expect(stream.flush()).toBe('');
  });

  it('never holds back more than the longest form minus one', () => {
    const secret = 'correct horse battery staple';
    const longest = Math.max(...secretForms(secret).map((form) => form.length));
    const stream = createMasker([secret]).stream();
    let input = 'prefix ';
    let output = stream.push(input);
    for (const piece of secret.slice(0, -1)) {
      input += piece;
      output += stream.push(piece);
      expect(input.length - output.length).toBeLessThanOrEqual(longest - 1);
    }
    expect(output + stream.push('e') + stream.flush()).toBe(`prefix ${MASK}`);
  });

  it('decodes UTF-8 split between Buffer chunks, and masks a non-ASCII secret split there', () => {
    const secret = 'пароль-密码';
    const bytes = Buffer.from(`début ${secret} fin 😀`, 'utf8');
    const stream = createMasker([secret]).stream();
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(streamAll(stream, chunks)).toBe(`début ${MASK} fin 😀`);
  });

  it('passes text through unchanged when there are no secrets', () => {
    const stream = createMasker().stream();
    expect(stream.push('a')).toBe('a');
    expect(stream.push(Buffer.from([0xc3]))).toBe('');
    expect(stream.push(Buffer.from([0xa9]))).toBe('é');
    expect(stream.flush()).toBe('');
  });

  it('counts what each stream hid, so a capture can tell a masked secret from a tool\'s own ****', () => {
    const masker = createMasker(['hunter2']);
    const out = masker.stream();
    const err = masker.stream();
    expect(out.push('a **** b hun') + out.push('ter2 and hunter2') + out.flush()).toBe(`a **** b ${MASK} and ${MASK}`);
    expect(err.push('only ****') + err.flush()).toBe('only ****');
    expect([out.hidden, err.hidden]).toEqual([2, 0]);
  });

  it('keeps separate streams independent', () => {
    const masker = createMasker(['hunter2']);
    const out = masker.stream();
    const err = masker.stream();
    expect(out.push('hun')).toBe('');
    expect(err.push('ter2')).toBe('ter2');
    expect(out.push('ter2')).toBe(MASK);
  });
});

describe('createMasker: properties', () => {
  // '*' is left out of secrets: a secret "**" would match the mask itself, which hides nothing but breaks
  // the "no form survives" check. The quotes, brackets, `!~:<&\\` and non-ASCII make every encoding of the
  // table (URL, JSON, shell) differ from the raw secret.
  const secretArb = fc.string({ unit: fc.constantFrom(..."abcxyz01=+/\n é😀'()!~:<&\\"), minLength: 1, maxLength: 12 });
  const noiseArb = fc.string({ unit: fc.constantFrom(...'abcxyzYWJj01=+/\n %é😀\\u'), maxLength: 12 });

  const scenario = fc
    .array(secretArb, { minLength: 1, maxLength: 3 })
    .chain((secrets) => {
      const forms = secrets.flatMap(secretForms);
      const pieceArb = fc.oneof(noiseArb, fc.constantFrom(...forms), fc.constantFrom(...secrets));
      return fc.record({
        secrets: fc.constant(secrets),
        forms: fc.constant(forms),
        text: fc.array(pieceArb, { maxLength: 12 }).map((pieces) => pieces.join('')),
        offsets: fc.array(fc.nat(), { maxLength: 10 }),
      });
    });

  it('string chunks cut anywhere: the output equals one-shot masking and contains no form', () => {
    fc.assert(
      fc.property(scenario, ({ secrets, forms, text, offsets }) => {
        const masker = createMasker(secrets);
        const streamed = streamAll(masker.stream(), cut(text, offsets));
        expect(streamed).toBe(masker.mask(text));
        for (const form of forms) expect(streamed).not.toContain(form);
      }),
      { numRuns: 500 },
    );
  });

  it('Buffer chunks cut at any byte: the output equals one-shot masking of the decoded text', () => {
    fc.assert(
      fc.property(scenario, ({ secrets, text, offsets }) => {
        const masker = createMasker(secrets);
        const streamed = streamAll(masker.stream(), cut(Buffer.from(text, 'utf8'), offsets));
        expect(streamed).toBe(masker.mask(text));
      }),
      { numRuns: 300 },
    );
  });

  it('one-shot masking removes every form and keeps text that contains none', () => {
    fc.assert(
      fc.property(scenario, ({ secrets, forms, text }) => {
        const masked = createMasker(secrets).mask(text);
        for (const form of forms) expect(masked).not.toContain(form);
        if (!forms.some((form) => text.includes(form))) expect(masked).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  /** An independent reference: every occurrence of every form by `indexOf`, overlapping ones merged. */
  function referenceMask(text: string, forms: readonly string[]): string {
    const found: [number, number][] = [];
    for (const form of new Set(forms)) {
      if (form === '') continue;
      for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) found.push([at, at + form.length]);
    }
    found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const merged: [number, number][] = [];
    for (const [start, end] of found) {
      const last = merged.at(-1);
      if (last && start < last[1]) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    let out = '';
    let from = 0;
    for (const [start, end] of merged) {
      out += text.slice(from, start) + MASK;
      from = end;
    }
    return out + text.slice(from);
  }

  // Long stretches without any form, forms, and near misses (a form's first characters) at chunk edges: the
  // masker skips stretches where no form can start, and must not skip one that does.
  const longScenario = fc
    .array(fc.string({ unit: fc.constantFrom(..."abcxyz01=+/\n é😀'()!~:<&\\"), minLength: 1, maxLength: 24 }), { minLength: 1, maxLength: 3 })
    .chain((secrets) => {
      const forms = secrets.flatMap(secretForms);
      const nearMiss = fc.constantFrom(...forms).chain((form) => fc.nat({ max: form.length }).map((n) => form.slice(0, n)));
      const noise = fc.string({ unit: fc.constantFrom(...'abcxyzYWJj01=+/\n %é😀qrstuv\\'), maxLength: 80 });
      return fc.record({
        secrets: fc.constant(secrets),
        forms: fc.constant(forms),
        text: fc.array(fc.oneof(noise, noise, fc.constantFrom(...forms), nearMiss), { maxLength: 16 }).map((pieces) => pieces.join('')),
        offsets: fc.array(fc.nat(), { maxLength: 12 }),
      });
    });

  it('matches an indexOf reference, one-shot and streamed in chunks cut anywhere', () => {
    fc.assert(
      fc.property(longScenario, ({ secrets, forms, text, offsets }) => {
        const masker = createMasker(secrets);
        const expected = referenceMask(text, forms);
        expect(masker.mask(text)).toBe(expected);
        expect(streamAll(masker.stream(), cut(text, offsets))).toBe(expected);
      }),
      { numRuns: 1500 },
    );
  });
});

