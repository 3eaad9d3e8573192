import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAutomaton, step } from './aho-corasick.js';
import { createMasker, MASK } from './masker.js';

describe('aho-corasick dense table', () => {
  it('gives the same state as walking goto and failure links, for every prefix of any text', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'é', '\n', '=');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), fc.array(fc.constantFrom('a', 'b', 'c', 'é', '\n', '=', 'x'), { maxLength: 60 }), (patterns, text) => {
        const automaton = buildAutomaton(patterns);
        const { next, classOf, width } = automaton.table!;
        let walked = 0;
        let looked = 0;
        for (const ch of text) {
          walked = step(automaton, walked, ch.charCodeAt(0));
          looked = next[looked * width + classOf[ch.charCodeAt(0)]!]!;
          expect(looked).toBe(walked);
        }
      }),
    );
  });

  it('leaves the table out when it would be too large, and the masker still masks by walking the links', () => {
    // A 64 KiB secret of many distinct characters: its forms need far more than 4M table entries.
    const secret = Array.from({ length: 65_536 }, (_, i) => String.fromCharCode(0x21 + ((i * 7919) % 0x5d))).join('');
    expect(buildAutomaton([secret, Buffer.from(secret).toString('base64')]).table).toBeUndefined();
    const masker = createMasker([secret]);
    const stream = masker.stream();
    const text = `before ${secret} after`;
    const out = [text.slice(0, 1000), text.slice(1000, 40_000), text.slice(40_000)].map((c) => stream.push(c)).join('') + stream.flush();
    expect(out).toBe(`before ${MASK} after`);
  });
});
