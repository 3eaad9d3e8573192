import { Text } from 'ink';
import type { DialogRow } from './dialog-frame.js';
import { gutterText, headerRows, highlight, searchPattern, viewLabel } from './review-list.js';
import type { ReviewListState } from './use-review-list.js';

/**
 * The header of a reviewed list: how many items, and the start of its digest, to tell lists apart at a glance (the
 * TUI approves by the phrase; the whole approval digest is in the journal, `show` and the reports).
 */
export function reviewHeader(review: { items: readonly string[]; digest: string }): string {
  const count = review.items.length;
  return `Reviewed list: ${count} item${count === 1 ? '' : 's'} (sha256 ${review.digest.slice(0, GLANCE)}…)`;
}

/** Hex digits of the digest the header shows: enough to tell lists apart by eye, short enough for 80 columns. */
const GLANCE = 12;

/** Rows the list would take to show whole: its header and every item row. */
export function reviewNeed(list: ReviewListState, header: string, width: number): { rows: number; header: number } {
  const count = list.layout.labels.length;
  const headerCount = headerRows(header, `items 1–${count} of ${count}`, width).length;
  return { rows: headerCount + Math.max(1, list.layout.rows.length), header: headerCount };
}

/**
 * The list in `height` rows: the header with the position (`items 41–60 of 200`), then the items in view, numbered,
 * the matches of an open search highlighted and the current match marked `›`. Returns the item rows it had, which
 * the keys page by.
 */
export function reviewRows(list: ReviewListState, header: string, height: number, width: number): { rows: DialogRow[]; itemRows: number } {
  const { layout, search } = list;
  // The position depends on the rows left for items, which depend on the header's rows: once the header needs a
  // second row it keeps the position on a row of its own, so the rows it is given are the rows it takes.
  const fit = (headerCount: number) => {
    const itemRows = Math.max(0, height - headerCount);
    const top = list.top(itemRows);
    return { itemRows, top, header: headerRows(header, viewLabel(layout, top, itemRows), width, headerCount > 1) };
  };
  let view = fit(1);
  for (let tries = 0; tries < 3 && view.header.length > height - view.itemRows; tries++) view = fit(view.header.length);
  const { itemRows, top } = view;
  const pattern = search ? searchPattern(search.query) : undefined;
  const items: DialogRow[] =
    layout.rows.length === 0
      ? [{ text: '  (the list is empty: nothing to act on)', dim: true }]
      : layout.rows.slice(top, top + itemRows).map((row, i) => {
          const current = search?.current === row.item;
          const parts = highlight(layout, row, pattern);
          return {
            bold: current,
            text: (
              <>
                {gutterText(layout, top + i, current)}
                {parts.map((part, p) =>
                  part.match ? (
                    <Text key={p} inverse>
                      {part.text}
                    </Text>
                  ) : (
                    part.text
                  ),
                )}
              </>
            ),
          };
        });
  const rows = [...view.header.map((text) => ({ text, bold: true })), ...items].slice(0, Math.max(0, height));
  return { rows, itemRows };
}
