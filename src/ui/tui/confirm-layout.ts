import type { DialogRow } from './dialog-frame.js';

/** Rows each part of a confirmation gets. */
export interface ConfirmShare {
  /** The step's message and scope (cut at the end when they do not fit). */
  other: number;
  /** The reviewed list: its header and item rows. */
  list: number;
}

/** The fewest item rows the reviewed list gets before the message and the scope get any (when it has that many). */
export const MIN_LIST_ROWS = 5;

/**
 * Share `room` rows (what the dialog has left around its title, fields and keys) between the step's message and
 * scope, and a reviewed list. The list comes first: two thirds of the room (at least its header and MIN_LIST_ROWS
 * items), then the message and scope, then the list takes whatever is left. The message and scope keep a row (for
 * `… n more lines`) whenever there are two, so nothing disappears without saying so.
 */
export function shareConfirmRows(room: number, need: { other: number; list: number; listHeader: number }): ConfirmShare {
  const free = Math.max(0, room);
  const keep = need.other > 0 && free >= 2 ? 1 : 0;
  let list = Math.min(need.list, free - keep, Math.max(need.listHeader + MIN_LIST_ROWS, Math.ceil((free * 2) / 3)));
  const other = Math.min(need.other, free - list);
  list += Math.min(need.list - list, free - list - other);
  return { other, list };
}

/** At most `count` of the rows; when some do not fit, the last one shown says how many more there are. */
export function cutRows(rows: DialogRow[], count: number): DialogRow[] {
  if (rows.length <= count) return rows;
  if (count <= 0) return [];
  return [...rows.slice(0, count - 1), { text: `… ${rows.length - count + 1} more lines`, dim: true }];
}
