import { describe, expect, it } from 'vitest';
import { cutRows, shareConfirmRows } from '../../src/ui/tui/confirm-layout.js';
import { clampTop, gutterText, headerRows, highlight, layoutReview, matchingItems, revealItem, searchPattern, viewLabel } from '../../src/ui/tui/review-list.js';

// The pure parts of the reviewed list's pane: rows, positions, search and highlighting, and how a confirmation
// shares its rows.

const items = (count: number) => Array.from({ length: count }, (_, i) => `acme/app:${i + 1}`);

describe('reviewed list rows', () => {
  it('numbers every item in a gutter as wide as the largest number, and wraps a long one under its text', () => {
    const layout = layoutReview(['short', 'a b c d e f g h i j k l', ...items(98)], 20);
    expect(layout.gutter).toBe(2 + 3 + 2);
    expect(layout.rows.slice(0, 3).map((row, i) => gutterText(layout, i, false) + row.text)).toEqual(['    1. short', '    2. a b c d e f g', '       h i j k l']);
    expect(gutterText(layout, 0, true)).toBe('›   1. ');
    expect(gutterText(layout, 2, true)).toBe('       '); // a continuation row carries no mark
    expect(layout.firstRow.slice(0, 3)).toEqual([0, 1, 3]);
  });

  it('shows a record as key=value pairs and control characters as text', () => {
    const layout = layoutReview([JSON.stringify({ repo: 'acme/web', tag: 'old' }), 'bad\u001b[2Jname'], 80);
    expect(layout.labels).toEqual(['repo=acme/web tag=old', 'bad\\x1b[2Jname']);
  });

  it('says which items are in view, and when the first or last is only partly shown', () => {
    const layout = layoutReview(['one', 'two three four five six seven', 'eight'], 14);
    expect(layout.rows.map((r) => r.item)).toEqual([0, 1, 1, 1, 2]);
    expect(viewLabel(layout, 0, 5)).toBe('items 1–3 of 3');
    expect(viewLabel(layout, 0, 2)).toBe('items 1–2 of 3 (2 goes on below)');
    expect(viewLabel(layout, 2, 3)).toBe('items 2–3 of 3 (2 starts above)');
    expect(viewLabel(layoutReview([], 80), 0, 5)).toBe('no items');
  });

  it('keeps the view inside the list and reveals an item centred when it is out of view', () => {
    const layout = layoutReview(items(100), 80);
    expect(clampTop(layout, -3, 10)).toBe(0);
    expect(clampTop(layout, 95, 10)).toBe(90);
    expect(revealItem(layout, 5, 0, 10)).toBe(0); // already in view
    expect(revealItem(layout, 72, 0, 10)).toBe(68); // four rows above it, five below
    expect(revealItem(layout, 99, 0, 10)).toBe(90);
  });

  it('searches literally and case-insensitively, and highlights each match, also across a wrapped row', () => {
    const layout = layoutReview(['Acme/App:1.0', 'acme/db:(prod)', 'other'], 80);
    expect(matchingItems(layout, searchPattern('ACME'))).toEqual([0, 1]);
    expect(matchingItems(layout, searchPattern('(prod)'))).toEqual([1]);
    expect(matchingItems(layout, searchPattern(''))).toEqual([]);
    expect(highlight(layout, layout.rows[0]!, searchPattern('a'))).toEqual([
      { text: 'A', match: true },
      { text: 'cme/', match: false },
      { text: 'A', match: true },
      { text: 'pp:1.0', match: false },
    ]);
    const wrapped = layoutReview(['xxxxxxxxxxxxyyyy'], 13); // 8 columns for text
    expect(wrapped.rows.map((r) => r.text)).toEqual(['xxxxxxxx', 'xxxxyyyy']);
    expect(highlight(wrapped, wrapped.rows[1]!, searchPattern('xxy'))).toEqual([
      { text: 'xx', match: false },
      { text: 'xxy', match: true },
      { text: 'yyy', match: false },
    ]);
    expect(highlight(wrapped, wrapped.rows[0]!, undefined)).toEqual([{ text: 'xxxxxxxx', match: false }]);
  });

  it('puts the position on the header row when both fit, else under it', () => {
    expect(headerRows('Reviewed list: 3 items (sha256 0123456789ab)', 'items 1–3 of 3', 80)).toEqual(['Reviewed list: 3 items (sha256 0123456789ab) · items 1–3 of 3']);
    expect(headerRows('Reviewed list: 3 items (sha256 0123456789ab)', 'items 1–3 of 3', 50)).toEqual(['Reviewed list: 3 items (sha256 0123456789ab)', 'items 1–3 of 3']);
  });
});

describe('a confirmation shares its rows', () => {
  it('gives the list its rows first, then the message and scope, and what is left to the list', () => {
    expect(shareConfirmRows(15, { other: 15, list: 201, listHeader: 1 })).toEqual({ other: 5, list: 10 });
    expect(shareConfirmRows(15, { other: 4, list: 201, listHeader: 1 })).toEqual({ other: 4, list: 11 });
    expect(shareConfirmRows(15, { other: 5, list: 4, listHeader: 1 })).toEqual({ other: 5, list: 4 });
    expect(shareConfirmRows(15, { other: 0, list: 201, listHeader: 1 })).toEqual({ other: 0, list: 15 });
    // A small terminal: the list first, but the message and scope keep a row to say they are there.
    expect(shareConfirmRows(6, { other: 6, list: 50, listHeader: 1 })).toEqual({ other: 1, list: 5 });
    expect(shareConfirmRows(1, { other: 6, list: 50, listHeader: 1 })).toEqual({ other: 0, list: 1 });
    expect(shareConfirmRows(0, { other: 6, list: 50, listHeader: 1 })).toEqual({ other: 0, list: 0 });
  });

  it('cuts a part to its rows, saying how many lines are hidden', () => {
    const rows = ['a', 'b', 'c', 'd'].map((text) => ({ text }));
    expect(cutRows(rows, 4)).toEqual(rows);
    expect(cutRows(rows, 2)).toEqual([{ text: 'a' }, { text: '… 3 more lines', dim: true }]);
    expect(cutRows(rows, 0)).toEqual([]);
  });
});
