import { describe, expect, it } from 'vitest';
import { safeJson, visibleDeep, visibleText } from './visible.js';

describe('visibleText', () => {
  it.each([
    ['OSC 52 clipboard write', '\u001b]52;c;ZWNobyBoaQ==\u0007', '\\x1b]52;c;ZWNobyBoaQ==\\x07'],
    ['OSC 0 title', '\u001b]0;root@prod\u001b\\', '\\x1b]0;root@prod\\x1b\\'],
    ['cursor up and erase line', 'x\u001b[1A\u001b[2K✔ succeeded', 'x\\x1b[1A\\x1b[2K✔ succeeded'],
    ['one-byte CSI (C1)', '\u009b2J', '\\x9b2J'],
    ['DEL and NUL', 'a\u007fb\u0000', 'a\\x7fb\\x00'],
    ['a lone CR (overwrites the line)', 'ok\r✔ done', 'ok\\r✔ done'],
    ['bidi override', 'status: \u202e0 tixe', 'status: <U+202E>0 tixe'],
    ['bidi isolates and marks', '\u2066\u2069\u200e\u200f\u061c', '<U+2066><U+2069><U+200E><U+200F><U+061C>'],
  ])('%s', (_, text, shown) => {
    expect(visibleText(text)).toBe(shown);
  });

  it('keeps tabs, line breaks and every other character; CR LF is a line break', () => {
    expect(visibleText('a\tb\nc\r\nd ✔ 日本 👍')).toBe('a\tb\nc\nd ✔ 日本 👍');
  });

  it('is the same over chunks as over the whole (no state between characters)', () => {
    const text = 'x\u001b[31mred\u009b\u202e';
    expect([...text].map(visibleText).join('')).toBe(visibleText(text));
  });
});

describe('visibleDeep', () => {
  it('makes every string in plain data visible, except the keys it is told to keep', () => {
    const shown = visibleDeep({ a: '\u001b', b: ['\u202e', 1], c: new Map([['k', { d: '\u009b' }]]), phrase: '\u001b' }, new Set(['phrase']));
    expect(shown).toEqual({ a: '\\x1b', b: ['<U+202E>', 1], c: new Map([['k', { d: '\\x9b' }]]), phrase: '\u001b' });
  });
});

describe('safeJson', () => {
  it('writes C1, DEL and bidi controls as \\u escapes, so the JSON parses back to the same text', () => {
    const value = { text: '\u001b[2J\u009b2J\u007f\u202e' };
    const json = safeJson(value);
    expect(json).toBe('{"text":"\\u001b[2J\\u009b2J\\u007f\\u202e"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});
