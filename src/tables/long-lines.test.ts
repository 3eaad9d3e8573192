import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SEGMENT_WINDOW, graphemesOf } from './graphemes.js';
import { displayWidth, fitWidth, wrapText } from './text-table.js';

/** The repro's line: a JSON list of 10,000 tags (about 150 KB) holding one non-ASCII character. */
const TAGS = (odd: string) => JSON.stringify(Array.from({ length: 10_000 }, (_, i) => (i === 9 ? odd : `team/app:v${i}`)));

/**
 * Every text handed to Intl.Segmenter, by length. Its iteration is quadratic in the text's length on Node 20, so
 * a long text is refused at once (the old code would have spun for minutes on it before failing).
 */
let segmented: number[] = [];
beforeEach(() => {
  segmented = [];
  const segment = Intl.Segmenter.prototype.segment;
  vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, text: string) {
    if (text.length > 4 * SEGMENT_WINDOW) throw new Error(`Intl.Segmenter was given ${text.length} code units at once`);
    segmented.push(text.length);
    return segment.call(this, text);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});
const total = () => segmented.reduce((a, b) => a + b, 0);

const PIECES = ['a', 'b', ' ', '/', ',', '\r', '\n', '\r\n', 'é', 'e\u0301', '\u0301', 'ß', '中', '文', '한', '\u1100\u1161\u11a8', '👍', '👍🏽', '👩‍👩‍👧', '\u200d', '🇫🇷', '🇩', '\u202e', '\u0000', '\ufe0f', 'ｶﾞ'];
const reference = (text: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

describe('graphemesOf', () => {
  it('finds the clusters Intl.Segmenter finds, across its windows, in any mix of ASCII and not', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 300 }), (pieces) => {
        const text = pieces.join('');
        const expected = reference(text);
        // A cluster longer than a window is cut at the window (documented); the pieces rarely chain that long.
        fc.pre(expected.every((g) => g.length < SEGMENT_WINDOW));
        const found = [...graphemesOf(text)];
        expect(found.map((g) => g.segment)).toEqual(expected);
        expect(found.map((g) => g.index)).toEqual(expected.map((_, i) => expected.slice(0, i).join('').length));
        // The width skips runs of ASCII without segmenting them, and still adds up cluster by cluster.
        expect(displayWidth(text)).toBe(expected.reduce((sum, g) => sum + displayWidth(g), 0));
      }),
      { numRuns: 300 },
    );
  });

  it('hands the segmenter only what is not ASCII, a window at a time: linear work on 150 KB', () => {
    const one = TAGS('café');
    expect(displayWidth(one)).toBe(one.length);
    // Only the stretch around "é" is segmented.
    expect(total()).toBeLessThan(20);

    segmented = [];
    const all = 'é'.repeat(150_000);
    expect(displayWidth(all)).toBe(150_000);
    expect(Math.max(...segmented)).toBeLessThanOrEqual(SEGMENT_WINDOW);
    // Each window goes on from its last boundary: at most one cluster is segmented twice per window.
    expect(total()).toBeLessThan(150_000 * 1.05);
  });
});

describe('fitWidth', () => {
  it('cuts to the width with … as its last column, keeps a text that fits, and never splits a cluster or an escape', () => {
    expect(fitWidth('hello', 5)).toBe('hello');
    expect(fitWidth('hello world', 5)).toBe('hell…');
    expect(fitWidth('中文中文中文', 5)).toBe('中文…');
    expect(fitWidth('cafe\u0301 au lait', 5)).toBe('cafe\u0301…');
    expect(fitWidth('👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧', 5)).toBe('👩‍👩‍👧👩‍👩‍👧…');
    expect(fitWidth('\u001b[31mred\u001b[0m and more', 6)).toBe('\u001b[31mred\u001b[0m a…');
    expect(fitWidth(`ab\u001b[38;5;196m${'x'.repeat(20)}`, 4)).toBe('ab\u001b[38;5;196mx…');
  });

  it('reads a 150 KB line only as far as the width it keeps, whatever its characters', () => {
    for (const odd of ['café', '\u202e', '中']) {
      segmented = [];
      const line = TAGS(odd).replace('team', 'é');
      const cut = fitWidth(line, 160);
      expect(total()).toBeLessThanOrEqual(2 * SEGMENT_WINDOW);
      expect(displayWidth(cut)).toBeLessThanOrEqual(160);
      expect(cut.endsWith('…')).toBe(true);
    }
    segmented = [];
    const cut = fitWidth('é'.repeat(150_000), 160);
    expect(total()).toBeLessThanOrEqual(160 + SEGMENT_WINDOW);
    expect(cut).toBe(`${'é'.repeat(159)}…`);
  });

  it('costs on a 150 KB line about what a 1 KB line costs (the same test, the same machine)', () => {
    const long = TAGS('\u202e');
    const short = long.slice(0, 1_000);
    const time = (text: string) => {
      let best = Infinity;
      for (let run = 0; run < 5; run++) {
        const start = performance.now();
        for (let i = 0; i < 20; i++) fitWidth(text, 400);
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    time(short);
    expect(time(long)).toBeLessThan(5 * time(short) + 5);
  });
});

describe('wrapText', () => {
  it('wraps a 150 KB line with one non-ASCII character in about the time of the same line in ASCII', () => {
    const odd = TAGS('café');
    const ascii = TAGS('cafe');
    const time = (text: string) => {
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const start = performance.now();
        wrapText(text, 80);
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    time(ascii);
    const lines = wrapText(odd, 80);
    expect(lines.join('')).toBe(odd);
    expect(time(odd)).toBeLessThan(3 * time(ascii) + 20);
  });
});
