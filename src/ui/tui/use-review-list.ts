import type { Key } from 'ink';
import { useMemo } from 'react';
import { editText } from './edit-text.js';
import { clampTop, layoutReview, matchingItems, revealItem, searchPattern, type ReviewLayout } from './review-list.js';
import { useLatest } from './use-keys.js';

/** The search field of the list (Ctrl-F): its text, where it searches from, the match in view. */
export interface ReviewSearch {
  query: string;
  /** Typing finds the first match at or after this item (the item in view when the search opened, then each match moved to). */
  from: number;
  current: number | undefined;
}

export interface ReviewListState {
  layout: ReviewLayout;
  /** The first row in view, for a pane of `height` item rows. */
  top(height: number): number;
  search: ReviewSearch | undefined;
  /** The items the open search matches, in order. */
  matches: number[];
  /** Keys for the list; `true` when the key was the list's (while searching every key is: Enter never confirms). */
  onKey(input: string, key: Key, height: number): boolean;
}

/**
 * A reviewed list in a pane: ↑/↓ a row, PgUp/PgDn a page, Home/End the ends; Ctrl-F opens a search whose text
 * jumps to the first matching item, Enter/Tab (or Ctrl-F again) to the next, Shift-Tab the previous, Esc closes it.
 * The view is kept as an item and a row within it, so a resize keeps the same item in view.
 */
export function useReviewList(items: readonly string[], width: number): ReviewListState {
  const layout = useMemo(() => layoutReview(items, width), [items, width]);
  const [anchor, setAnchor, getAnchor] = useLatest({ item: 0, sub: 0 });
  const [search, setSearch, getSearch] = useLatest<ReviewSearch | undefined>(undefined);
  const rowOf = (at: { item: number; sub: number }) => {
    const first = layout.firstRow[at.item] ?? 0;
    const end = layout.firstRow[at.item + 1] ?? layout.rows.length;
    return Math.min(first + at.sub, Math.max(first, end - 1));
  };
  const top = (height: number) => clampTop(layout, rowOf(anchor), height);
  const moveTo = (row: number, height: number) => {
    const to = clampTop(layout, row, height);
    const item = layout.rows[to]?.item ?? 0;
    setAnchor({ item, sub: to - (layout.firstRow[item] ?? 0) });
  };
  const scroll = (key: Key, height: number): number | undefined => {
    const now = clampTop(layout, rowOf(getAnchor()), height);
    const page = Math.max(1, height);
    if (key.upArrow) return now - 1;
    if (key.downArrow) return now + 1;
    if (key.pageUp) return now - page;
    if (key.pageDown) return now + page;
    if (key.home) return 0;
    if (key.end) return layout.rows.length;
    return undefined;
  };
  const show = (next: ReviewSearch, height: number) => {
    setSearch(next);
    if (next.current !== undefined) moveTo(revealItem(layout, next.current, clampTop(layout, rowOf(getAnchor()), height), height), height);
  };

  const onKey = (input: string, key: Key, height: number): boolean => {
    const open = getSearch();
    const to = scroll(key, height);
    if (to !== undefined) {
      moveTo(to, height);
      return true;
    }
    if (!open) {
      if (!(key.ctrl && input === 'f')) return false;
      const first = layout.rows[clampTop(layout, rowOf(getAnchor()), height)]?.item ?? 0;
      setSearch({ query: '', from: first, current: undefined });
      return true;
    }
    if (key.escape) {
      setSearch(undefined);
      return true;
    }
    const matches = (query: string) => matchingItems(layout, searchPattern(query));
    if (key.return || key.tab || (key.ctrl && input === 'f')) {
      const found = matches(open.query);
      if (found.length === 0) return true;
      const back = key.tab && key.shift;
      const at = open.current === undefined ? -1 : found.indexOf(open.current);
      const next = at !== -1 ? found[(at + (back ? found.length - 1 : 1)) % found.length]! : back ? (found.findLast((i) => i <= open.from) ?? found.at(-1)!) : (found.find((i) => i >= open.from) ?? found[0]!);
      show({ ...open, from: next, current: next }, height);
      return true;
    }
    const query = editText(open.query, input, key);
    if (query !== undefined) {
      const found = matches(query);
      show({ ...open, query, current: found.find((i) => i >= open.from) ?? found[0] }, height);
    }
    // Every other key is the search's too: nothing typed while searching reaches the phrase.
    return true;
  };
  const query = search?.query;
  const matches = useMemo(() => (query === undefined ? [] : matchingItems(layout, searchPattern(query))), [layout, query]);
  return { layout, top, search, matches, onKey };
}
