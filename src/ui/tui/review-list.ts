// The reviewed list of a destructive step's confirmation, as rows of a scrolling pane: every item numbered and
// wrapped whole (never cut), searched case-insensitively in what is shown.
import { displayWidth, visible, wrapText } from '../../tables/index.js';
import { itemLabel } from '../../template/record-item.js';

/** One row of the pane: a piece of an item's label, wrapped to the pane's width. */
export interface ReviewRow {
  /** The item's index (0-based). */
  item: number;
  /** Where the piece starts in the item's label (matches are highlighted by offset). */
  start: number;
  text: string;
}

export interface ReviewLayout {
  /** Each item as shown: a record as `key=value` pairs, control characters made visible. */
  labels: string[];
  rows: ReviewRow[];
  /** The index in `rows` of each item's first row. */
  firstRow: number[];
  /** Columns of the number before each item (`  17. `); continuation rows are indented as far. */
  gutter: number;
}

/** Every item numbered and wrapped to `width` columns: a long item takes several rows, none is cut. */
export function layoutReview(items: readonly string[], width: number): ReviewLayout {
  const gutter = 2 + String(items.length).length + 2;
  const room = Math.max(8, width - gutter);
  const labels: string[] = [];
  const rows: ReviewRow[] = [];
  const firstRow: number[] = [];
  items.forEach((item, index) => {
    const label = visible(itemLabel(item));
    labels.push(label);
    firstRow.push(rows.length);
    let cursor = 0;
    // Printable ASCII is as wide as it is long: most items take one row without measuring graphemes (10,000 items
    // are laid out in milliseconds, not a third of a second).
    const pieces = label.length <= room && /^[\x20-\x7e]*$/.test(label) ? [label] : wrapText(label, room);
    for (const text of pieces) {
      // wrapText keeps every character but the spaces it breaks at, so each piece is found from where the last ended.
      const at = label.indexOf(text, cursor);
      const start = at === -1 ? cursor : at;
      rows.push({ item: index, start, text });
      cursor = start + text.length;
    }
  });
  return { labels, rows, firstRow, gutter };
}

/** The number column of an item's first row (`  17. `), or the indent of its continuation rows. */
export function gutterText(layout: ReviewLayout, index: number, current: boolean): string {
  const item = layout.rows[index]?.item ?? -1;
  const first = layout.firstRow[item] === index;
  const number = first ? `${item + 1}. ` : '';
  return `${current && first ? '›' : ' '}${number.padStart(layout.gutter - 1)}`;
}

/** The first row shown when the view starts at `top`, kept inside the list (`height` rows of it in view). */
export function clampTop(layout: ReviewLayout, top: number, height: number): number {
  return Math.max(0, Math.min(top, layout.rows.length - Math.max(1, height)));
}

/** Where the view starts so that an item is in view: unchanged when it already is whole, else centred on it. */
export function revealItem(layout: ReviewLayout, item: number, top: number, height: number): number {
  const first = layout.firstRow[item] ?? 0;
  const last = (layout.firstRow[item + 1] ?? layout.rows.length) - 1;
  if (first >= top && last < top + height) return top;
  const rows = last - first + 1;
  return clampTop(layout, first - Math.floor(Math.max(0, height - rows) / 2), height);
}

/** `items 41–60 of 200`, saying so when the first or last item in view is only partly shown. */
export function viewLabel(layout: ReviewLayout, top: number, height: number): string {
  const total = layout.labels.length;
  const shown = layout.rows.slice(top, top + Math.max(0, height));
  const first = shown[0];
  const last = shown.at(-1);
  if (!first || !last) return total === 0 ? 'no items' : `${total} items, none in view`;
  const notes: string[] = [];
  if (layout.firstRow[first.item] !== top) notes.push(`${first.item + 1} starts above`);
  const lastRow = top + shown.length - 1;
  if ((layout.firstRow[last.item + 1] ?? layout.rows.length) - 1 > lastRow) notes.push(`${last.item + 1} goes on below`);
  return `items ${first.item + 1}–${last.item + 1} of ${total}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/** A search text as a case-insensitive literal pattern; `undefined` for an empty text. */
export function searchPattern(query: string): RegExp | undefined {
  if (query === '') return undefined;
  return new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
}

/** The indexes of the items whose label contains the pattern. */
export function matchingItems(layout: ReviewLayout, pattern: RegExp | undefined): number[] {
  if (!pattern) return [];
  const out: number[] = [];
  layout.labels.forEach((label, index) => {
    pattern.lastIndex = 0;
    if (pattern.test(label)) out.push(index);
  });
  pattern.lastIndex = 0;
  return out;
}

/** A row's text cut into pieces, those inside a match of the pattern marked. */
export function highlight(layout: ReviewLayout, row: ReviewRow, pattern: RegExp | undefined): { text: string; match: boolean }[] {
  const label = layout.labels[row.item] ?? '';
  const end = row.start + row.text.length;
  const parts: { text: string; match: boolean }[] = [];
  let at = row.start;
  for (const found of pattern ? label.matchAll(pattern) : []) {
    if (found[0] === '') continue;
    const from = Math.max(found.index, at);
    const to = Math.min(found.index + found[0].length, end);
    if (to <= from) continue;
    if (from > at) parts.push({ text: label.slice(at, from), match: false });
    parts.push({ text: label.slice(from, to), match: true });
    at = to;
  }
  if (at < end || parts.length === 0) parts.push({ text: label.slice(at, end), match: false });
  return parts;
}

/** The header and position on one row when they fit `width` (and `split` is not asked), else the header wrapped and the position under it. */
export function headerRows(header: string, position: string, width: number, split = false): string[] {
  const joined = `${header} · ${position}`;
  return !split && displayWidth(joined) <= width ? [joined] : [...wrapText(header, width), ...wrapText(position, width)];
}
