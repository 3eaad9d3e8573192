import { describe, expect, it } from 'vitest';
import { markdownCode, markdownFence } from './markdown-text.js';

describe('markdownCode', () => {
  it.each([
    ['plain', 'v1.2', '`v1.2`'],
    ['a backtick: a longer fence, nothing rewritten', 'a`b', '``a`b``'],
    ['a run of two', 'x``y`', '``` x``y` ```'],
    ['starts with a backtick', '`rm -rf`', '`` `rm -rf` ``'],
    ['spaces at both ends are kept', ' a ', '`  a  `'],
    ['empty', '', '` `'],
    ['a bidi override and an ESC made visible', '\u202eok\u001b[2J', '`<U+202E>ok\\x1b[2J`'],
    ['HTML stays text inside the span', '<img src=x>', '`<img src=x>`'],
  ])('%s', (_, text, md) => {
    expect(markdownCode(text)).toBe(md);
  });

  it('escapes | in a table cell (GFM takes the backslash away inside the span)', () => {
    expect(markdownCode('a|b', 'cell')).toBe('`a\\|b`');
  });
});

describe('markdownFence', () => {
  it('fences with more backticks than any run inside, lines made visible', () => {
    expect(markdownFence(['````', '\u001b[31mred'])).toEqual(['`````text', '````', '\\x1b[31mred', '`````']);
  });
});
